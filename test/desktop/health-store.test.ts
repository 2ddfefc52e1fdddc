// The Health store without React, against the real host through dispatch (so every request is validated the way a
// front door's is): loading sets, endpoints and history for a saved document, a run of chosen sets against real
// loopback listeners with progress and cancel, filters, the reach question and its field checks, far-side import,
// and the session-only case of a document without a file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server, type Socket } from 'node:net';
import { createHost, dispatch, memorySettings } from '../../electron/services/host';
import type { JunctionApi } from '../../shared/api/contract';
import {
  ageOf,
  createHealthStore,
  filterRows,
  reachRequest,
  DEFAULT_FILTERS,
  type HealthDoc,
} from '../../renderer/stores/health';
import { EXAMPLE_TEXT, loopbackExample } from '../helpers/example';
import { amqpServer, closeAll, listen, makePki, silentServer, tlsServer } from '../health/peers';

const NET = `127.82.${process.pid % 250}`;
const CC = `${NET}.4`;
const LIC = `${NET}.5`;
const CC_SILENT = `${NET}.14`;

const sockets = new Set<Socket>();
const servers: Server[] = [];
let dir: string;
let caFile: string;

const loopWorkspace = (cc: string) => loopbackExample(cc, LIC);

/** The API as a front door sees it: every call through dispatch, so schema defaults and checks apply. */
function dispatchingApi(): JunctionApi {
  const host = createHost({ frontDoor: 'test', settings: memorySettings() });
  return new Proxy({} as JunctionApi, {
    get: (_t, channel: string) => (req: unknown) => dispatch(host, channel, req),
  });
}

beforeAll(async () => {
  const pki = makePki();
  const valid = pki.leaf('valid');
  const s = (srv: Server) => (servers.push(srv), srv);
  await listen(s(amqpServer(sockets)), CC, 5672);
  await listen(s(tlsServer(valid.key, valid.cert, sockets)), CC, 9443);
  await listen(s(silentServer(sockets)), CC_SILENT, 5672);
  await listen(s(silentServer(sockets)), CC_SILENT, 9443);
  await listen(s(createServer((c) => c.end())), LIC, 27000);
  await listen(s(createServer((c) => c.end())), LIC, 27001);
  dir = mkdtempSync(join(tmpdir(), 'junction-health-store-'));
  caFile = join(dir, 'ca.pem');
  writeFileSync(caFile, pki.caPem);
});
afterAll(() => closeAll(servers, sockets));

function setup(cc = CC, name = 'estate') {
  const path = join(dir, `${name}.junction.json`);
  const text = loopWorkspace(cc);
  writeFileSync(path, text);
  const d: HealthDoc = { fileName: `${name}.junction.json`, text };
  const store = createHealthStore(dispatchingApi(), () => d, { pollMs: 5 });
  store.getState().setWorkspace(path);
  return { store, d, path };
}

describe('health store', () => {
  it('loads the sets, the reach endpoints and an empty persisted history for a saved document', async () => {
    const { store } = setup();
    await store.getState().load();
    const s = store.getState();
    expect(s.sets?.map((x) => x.name)).toEqual(['cyclecloud-outbound', 'cyclecloud-cluster', 'license-link']);
    expect(s.endpoints?.hosts.some((h) => h.id === 'cc01')).toBe(true);
    expect(s.summary).toMatchObject({
      persisted: true,
      records: 0,
      historyFile: join(dir, 'estate.health.jsonl'),
    });
    expect(s.summary!.rows.every((r) => r.status === 'unknown')).toBe(true);
    expect(s.historyOp.status).toBe('done');
    // Loading the same document again asks the host nothing new.
    const before = store.getState().summary;
    await store.getState().load();
    expect(store.getState().summary).toBe(before);
  });

  it('runs only the chosen sets, all ok against the listeners, and the filters narrow the rows', async () => {
    const { store } = setup();
    await store.getState().load();
    store.getState().toggleSet('cyclecloud-outbound'); // never leave the machine: the outbound set names Azure
    expect(store.getState().chosenSets).toEqual(['cyclecloud-cluster', 'license-link']);
    store.getState().setCaFile(caFile);
    const progress: number[] = [];
    const unsub = store.subscribe((s) => s.runOp.progress && progress.push(s.runOp.progress.filesDone));
    const r = await store.getState().run({ timeoutMs: 3000 });
    unsub();
    expect(r?.counts).toEqual({ ok: 4, warning: 0, fail: 0, cancelled: 0 });
    const s = store.getState();
    expect(s.runOp).toMatchObject({ status: 'done' });
    expect(s.runOp.jobId).toMatch(/^probe-[0-9a-f]{24}$/);
    expect(s.summary!.records).toBe(4);
    // All ok from here, but taken on this machine: the link's own level waits for the far side's report.
    expect(s.summary!.objects).toMatchObject({ lic01: 'unknown', cc01: 'unknown' });
    expect(s.summary!.links.find((l) => l.id === 'license-link:ll-flexlm')).toMatchObject({ level: 'unknown', local: { level: 'ok' } });
    expect(progress.every((n) => n >= 0 && n <= 4)).toBe(true);

    const rows = s.summary!.rows;
    expect(filterRows(rows, { ...DEFAULT_FILTERS, source: 'local' })).toHaveLength(4);
    expect(filterRows(rows, { ...DEFAULT_FILTERS, source: 'none' })).toHaveLength(14);
    expect(filterRows(rows, { ...DEFAULT_FILTERS, set: 'license-link' }).map((x) => x.id)).toEqual([
      'll-flexlm:tcp:27000',
      'll-flexlm:tcp:27001',
    ]);
    expect(filterRows(rows, { ...DEFAULT_FILTERS, text: 'AMQP' }).map((x) => x.id)).toEqual([
      'cc-main:amqp:5672',
    ]);
    expect(filterRows(rows, { ...DEFAULT_FILTERS, status: 'problems' })).toHaveLength(0);
    expect(
      filterRows(rows, { ...DEFAULT_FILTERS, status: 'unknown', text: 'management.azure' }),
    ).toHaveLength(2);
    store.getState().setFilters({ source: 'far-side' });
    expect(store.getState().filters).toEqual({ ...DEFAULT_FILTERS, source: 'far-side' });
    store.getState().resetFilters();
    expect(store.getState().filters).toEqual(DEFAULT_FILTERS);
  });

  it('refuses a run with no set chosen, naming the field', async () => {
    const { store } = setup();
    await store.getState().load();
    store.getState().chooseSets([]);
    expect(await store.getState().run()).toBeUndefined();
    expect(store.getState().runOp).toEqual({
      status: 'failed',
      error: 'Sets: choose at least one probe set to run',
    });
  });

  it('cancel stops a run waiting on a silent peer; what finished is shown', async () => {
    const { store } = setup(CC_SILENT, 'silent');
    await store.getState().load();
    store.getState().chooseSets(['license-link', 'cyclecloud-cluster']);
    const t0 = Date.now();
    const running = store.getState().run({ timeoutMs: 20_000, concurrency: 1 });
    // cyclecloud-cluster comes first in the workspace's order: the AMQP probe hangs on the silent peer.
    await expect.poll(() => store.getState().runOp.progress?.filesTotal, { timeout: 5000 }).toBe(4);
    expect(store.getState().runOp.status).toBe('running');
    await store.getState().cancel();
    expect(await running).toBeUndefined();
    expect(Date.now() - t0).toBeLessThan(10_000);
    const s = store.getState();
    expect(s.runOp.status).toBe('cancelled');
    expect(s.runOp.error).toMatch(/cancelled by the admin/);
    // Nothing finished before the cancel (the first probe was the hanging one): still nothing probed.
    expect(s.summary!.records).toBe(0);
  });

  it('asks the reach question, checks the fields first, and keeps a bad endpoint as an answer with suggestions', async () => {
    const { store } = setup();
    store.getState().setReach({ from: 'azure-nodes', to: 'lic01', port: '27000' });
    const a = await store.getState().ask();
    expect(a?.ok && a.verdict).toBe('reachable');
    store.getState().setReach({ from: 'cc01', to: 'Internet', port: '443' });
    const b = await store.getState().ask();
    if (!b?.ok) throw new Error('expected an answer');
    expect(b.hops[b.decisive!]!.decidedBy?.name).toBe('nsg-cyclecloud/BlockOutbound');
    store.getState().setReach({ port: '0' });
    expect(await store.getState().ask()).toBeUndefined();
    expect(store.getState().reachOp).toEqual({ status: 'failed', error: 'Port: a number from 1 to 65535' });
    store.getState().setReach({ from: 'cc0l', port: '443' });
    const c = await store.getState().ask();
    expect(c).toMatchObject({ ok: false, suggestions: ['cc01'] });
    // The topology's shortcut fills the form and asks the screen to show it.
    const focus = store.getState().reachFocus;
    store.getState().prefillReach({ from: 'snet-cluster', to: '' });
    expect(store.getState().reach).toMatchObject({ from: 'snet-cluster', to: '' });
    expect(store.getState().reachFocus).toBe(focus + 1);
    expect(store.getState().reachOp.status).toBe('idle');
    expect(reachRequest(store.getState().reach)).toEqual({
      error: 'To: pick a host, subnet or service tag, or type an address',
    });
  });

  it('imports a far-side report into the saved workspace history and shows it as far-side', async () => {
    const { store } = setup(CC, 'far');
    await store.getState().load();
    const report = join(dir, 'far-report.json');
    const collected = new Date().toISOString();
    writeFileSync(
      report,
      JSON.stringify({
        format: 'junction-health/1',
        host: 'cc01',
        collected,
        probes: [
          {
            id: 'cc-main:dns:management.azure.com',
            set: 'cyclecloud-outbound',
            kind: 'dns',
            target: 'management.azure.com',
            status: 'ok',
            ok: true,
            detail: 'resolves to 10.0.0.1',
            ms: 4,
          },
        ],
      }),
    );
    store.getState().setImportPath(` ${report} `);
    const r = await store.getState().importReport();
    expect(r).toMatchObject({ kind: 'report', added: 1 });
    const s = store.getState();
    expect(s.importPath).toBe(report);
    expect(s.summary!.latest['far-side']).toBe(collected);
    expect(s.summary!.links.find((l) => l.id === 'cyclecloud-outbound:cc-main')).toMatchObject({
      level: 'ok',
      source: 'far-side',
    });
    expect(s.summary!.objects['cc-main']).toBe('ok');
    await store.getState().importReport(join(dir, 'missing.json'));
    expect(store.getState().importOp.status).toBe('failed');
    expect(store.getState().importOp.error).toMatch(/does not exist/);
  });

  it("checks Azure VPN status through the Apply screen's connection: offline, every connection unknown, in the history", async () => {
    const api = dispatchingApi();
    // A closed loopback port as the ARM endpoint: offline, and no traffic leaves this machine.
    await api['azure.settings.update']({ armEndpoint: 'https://127.0.0.1:1' });
    const path = join(dir, 'azure.junction.json');
    writeFileSync(path, EXAMPLE_TEXT);
    const d: HealthDoc = { fileName: 'azure.junction.json', text: EXAMPLE_TEXT };
    const store = createHealthStore(api, () => d, { pollMs: 5 });
    store.getState().setWorkspace(path);
    const r = await store.getState().checkAzure();
    expect(store.getState().azureOp.status).toBe('done');
    expect(r?.online).toBe(false);
    expect(r?.counts.unknown).toBe(r?.connections.length);
    expect(r?.connections.length).toBeGreaterThan(0);
    expect(r?.history).toBe(join(dir, 'azure.health.jsonl'));
    // The history was reloaded: the Azure source now has a latest time.
    expect(store.getState().summary?.latest.azure).toBeDefined();
  });

  it('a document without a file: results for this session only, and no far-side import until it is saved', async () => {
    const text = loopWorkspace(CC);
    const store = createHealthStore(dispatchingApi(), () => ({ fileName: 'new.junction.json', text }), {
      pollMs: 5,
    });
    await store.getState().load();
    expect(store.getState().summary).toMatchObject({ persisted: false, records: 0 });
    store.getState().chooseSets(['license-link']);
    await store.getState().run({ timeoutMs: 3000 });
    expect(store.getState().summary).toMatchObject({ persisted: false, records: 2 });
    await store.getState().importReport('/tmp/whatever.json');
    expect(store.getState().importOp.error).toBe(
      'Save the workspace first: a far-side report is kept in the history beside the workspace file',
    );
  });

  it('a document that does not load says why, per field', async () => {
    const store = createHealthStore(dispatchingApi(), () => ({
      fileName: 'broken.json',
      text: '{"version": 1}',
    }));
    await store.getState().load();
    expect(store.getState().setsError).toMatch(/broken\.json has \d+ schema problem/);
    expect(store.getState().historyOp.status).toBe('failed');
  });
});

describe('pure helpers', () => {
  it('ageOf reads at a glance', () => {
    const now = Date.parse('2026-05-01T12:00:00Z');
    expect(ageOf(undefined, now)).toBe('—');
    expect(ageOf('2026-05-01T11:59:50Z', now)).toBe('just now');
    expect(ageOf('2026-05-01T11:55:00Z', now)).toBe('5 min ago');
    expect(ageOf('2026-05-01T09:00:00Z', now)).toBe('3 h ago');
    expect(ageOf('2026-04-30T12:00:00Z', now)).toBe('1 day ago');
    expect(ageOf('not a date', now)).toBe('—');
  });

  it('reachRequest names the field that is wrong', () => {
    expect(reachRequest({ from: '', to: 'x', port: '1', proto: 'tcp' })).toEqual({
      error: 'From: pick a host or subnet, or type an address',
    });
    expect(reachRequest({ from: 'a', to: 'b', port: '1e3', proto: 'tcp' })).toEqual({
      error: 'Port: a number from 1 to 65535',
    });
    expect(reachRequest({ from: ' a ', to: 'b', port: '443', proto: 'udp' })).toEqual({
      from: 'a',
      to: 'b',
      port: 443,
      proto: 'udp',
    });
  });
});

it('the example document also loads (no file: session only)', async () => {
  const store = createHealthStore(dispatchingApi(), () => ({
    fileName: 'contoso-hybrid.junction.json',
    text: EXAMPLE_TEXT,
  }));
  await store.getState().load();
  expect(store.getState().summary?.persisted).toBe(false);
  expect(store.getState().sets).toHaveLength(3);
});
