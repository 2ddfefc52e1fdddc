// The Health screen's channels through the host's dispatch (the path every front door takes): the offline reach
// engine on the example workspace, probe runs against real loopback listeners with progress and a cancel mid-run,
// the history beside the workspace file and its summary (rows, links, colours), session-only results for a document
// without a file, and a far-side report that recolours the links with source far-side.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server, Socket } from 'node:net';
import { createHost, dispatch, memorySettings } from '../../electron/services/host';
import { ApiError, type JobStatus, type JunctionApi } from '../../shared/api/contract';
import type {
  HealthImportResult,
  HealthRunResult,
  HealthSummary,
  ProbeSetInfo,
  ReachAnswer,
  ReachEndpoints,
} from '../../shared/api/health-api';
import { EXAMPLE_PATH, EXAMPLE_TEXT, licenseDownReport, loopbackExample } from '../helpers/example';
import { amqpServer, closeAll, listen, makePki, silentServer, tlsServer } from '../health/peers';

// Loopback addresses of this file's own (CycleCloud's ports are fixed), clear of the other probe tests'.
const NET = `127.81.${process.pid % 250}`;
const CC = `${NET}.4`; // answers AMQP; TLS with a certificate that lapses in 5 days
const LIC = `${NET}.5`; // license port 27000 open, 27001 closed
const CC_SILENT = `${NET}.14`; // accepts and never answers: the cancel test

const sockets = new Set<Socket>();
const servers: Server[] = [];
let dir: string;
let caFile: string;
let api: JunctionApi;

const loopWorkspace = (cc: string) => loopbackExample(cc, LIC);

const call = <T>(channel: string, payload: unknown) => dispatch(api, channel, payload) as Promise<T>;
const rejection = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    return e as ApiError;
  }
  throw new Error('expected a rejection');
};

beforeAll(async () => {
  const pki = makePki();
  const soon = pki.leaf('soon');
  const s = (srv: Server) => (servers.push(srv), srv);
  await listen(s(amqpServer(sockets)), CC, 5672);
  await listen(s(tlsServer(soon.key, soon.cert, sockets)), CC, 9443);
  await listen(s(silentServer(sockets)), CC_SILENT, 5672);
  await listen(s(silentServer(sockets)), CC_SILENT, 9443);
  const { createServer } = await import('node:net');
  await listen(s(createServer((c) => c.end())), LIC, 27000);
  dir = mkdtempSync(join(tmpdir(), 'junction-health-host-'));
  caFile = join(dir, 'ca.pem');
  writeFileSync(caFile, pki.caPem);
  api = createHost({ frontDoor: 'test', settings: memorySettings() });
});
afterAll(() => closeAll(servers, sockets));

const example = { fileName: 'contoso-hybrid.junction.json', text: EXAMPLE_TEXT };
const CLUSTER_AND_LICENSE = ['cyclecloud-cluster', 'license-link'];

describe('reach.query on the example workspace', () => {
  it('uses the service-tag list cached by `junction reach --service-tags`, so a Storage address matches the tag', async () => {
    const before = process.env.JUNCTION_STATE_DIR;
    const state = mkdtempSync(join(tmpdir(), 'junction-host-tags-'));
    process.env.JUNCTION_STATE_DIR = state;
    try {
      const q = { ...example, from: 'cc01', to: '20.60.40.4', port: 443 };
      const none = await call<ReachAnswer>('reach.query', q);
      if (!none.ok) throw new Error(none.error);
      expect(none.verdict).toBe('blocked');
      writeFileSync(
        join(state, 'service-tags.json'),
        JSON.stringify({ savedAt: '2026-12-01T00:00:00Z', changeNumber: 7, cloud: 'Public', prefixes: { Storage: ['20.60.0.0/16'] } }),
      );
      const tagged = await call<ReachAnswer>('reach.query', q);
      if (!tagged.ok) throw new Error(tagged.error);
      expect(tagged.verdict).toBe('reachable');
      expect(tagged.text).toMatch(/AllowAzureStorage/);
      writeFileSync(join(state, 'service-tags.json'), '{ not json');
      const damaged = await call<ReachAnswer>('reach.query', q);
      expect(damaged).toMatchObject({ ok: false, fix: expect.stringMatching(/delete .*service-tags\.json/) });
    } finally {
      if (before === undefined) delete process.env.JUNCTION_STATE_DIR;
      else process.env.JUNCTION_STATE_DIR = before;
    }
  });

  it('compute nodes reach the license server through the junction box, each hop placed in the document', async () => {
    const a = await call<ReachAnswer>('reach.query', {
      ...example,
      from: 'azure-nodes',
      to: 'lic01',
      port: 27000,
    });
    if (!a.ok) throw new Error(a.error);
    expect(a.verdict).toBe('reachable');
    expect(a.query).toEqual({ from: 'azure-nodes', to: 'lic01', port: 27000, protocol: 'Tcp' });
    expect(a.hops.some((h) => h.at === 'jb01' && h.outcome === 'pass')).toBe(true);
    const link = a.hops.find((h) => h.decidedBy?.name === 'll-flexlm')!;
    expect(link.decidedBy).toMatchObject({ kind: 'license-link', where: '$.licenseLinks[0]' });
    // The line is where the license link really is in the example file.
    const lines = EXAMPLE_TEXT.split('\n');
    expect(lines[link.decidedBy!.line! - 1]).toMatch(/^\s*\{\s*$|"id": "ll-flexlm"/);
    expect(lines.slice(link.decidedBy!.line! - 1, link.decidedBy!.line! + 2).join('\n')).toContain(
      '"ll-flexlm"',
    );
    expect(a.decisive).toBeUndefined();
    expect(a.text).toContain('REACHABLE');
  });

  it('CycleCloud to the Internet is blocked by the NSG rule BlockOutbound, the decisive hop named with its place', async () => {
    const a = await call<ReachAnswer>('reach.query', {
      ...example,
      from: 'cc01',
      to: 'Internet',
      port: 443,
      proto: 'tcp',
    });
    if (!a.ok) throw new Error(a.error);
    expect(a.verdict).toBe('blocked');
    const d = a.hops[a.decisive!]!;
    expect(d.outcome).toBe('blocked');
    expect(d.decidedBy).toMatchObject({
      kind: 'nsg-rule',
      name: 'nsg-cyclecloud/BlockOutbound',
      where: '$.azure.nsgs[0].rules[4]',
    });
    expect(
      EXAMPLE_TEXT.split('\n')
        .slice(d.decidedBy!.line! - 1, d.decidedBy!.line! + 3)
        .join('\n'),
    ).toContain('BlockOutbound');
    // ...while the service tags CycleCloud needs stay open.
    const arm = await call<ReachAnswer>('reach.query', {
      ...example,
      from: 'cc01',
      to: 'AzureResourceManager',
      port: 443,
    });
    expect(arm.ok && arm.verdict).toBe('reachable');
  });

  it('an unknown endpoint is an answer with suggestions, not an error', async () => {
    const a = await call<ReachAnswer>('reach.query', { ...example, from: 'cc0l', to: 'lic01', port: 27000 });
    expect(a.ok).toBe(false);
    if (a.ok) return;
    expect(a.error).toMatch(/unknown source "cc0l"/);
    expect(a.suggestions).toContain('cc01');
    expect(a.fix).toContain('"cc01"');
  });

  it('a bad request is refused by the schema naming the field', async () => {
    const e = await rejection(call('reach.query', { ...example, from: 'cc01', to: 'Internet', port: 70000 }));
    expect(e).toBeInstanceOf(ApiError);
    expect(e.code).toBe('bad-request');
    expect(e.message).toMatch(/^reach\.query: port: a port from 1 to 65535/);
    const e2 = await rejection(call('reach.query', { ...example, from: ' ', to: 'Internet', port: 443 }));
    expect(e2.message).toMatch(/^reach\.query: from: name a host id, a subnet id or an address/);
    const e3 = await rejection(
      call('reach.query', { ...example, from: 'cc01', to: 'Internet', port: 443, proto: 'icmp' }),
    );
    expect(e3.message).toMatch(/^reach\.query: proto:/);
  });

  it('a document with schema problems is refused with the first problem and where to fix it', async () => {
    const e = await rejection(
      call('reach.query', { fileName: 'x.json', text: '{"version": 1}', from: 'a', to: 'b', port: 1 }),
    );
    expect(e.code).toBe('bad-request');
    expect(e.message).toMatch(
      /x\.json has \d+ schema problems? \(first: .*\) — fix them on the Workspace screen first/,
    );
  });

  it('reach.endpoints offers the hosts, subnets and service tags to pick from', async () => {
    const ep = await call<ReachEndpoints>('reach.endpoints', example);
    expect(ep.hosts.find((h) => h.id === 'lic01')).toMatchObject({
      address: '10.10.1.20',
      site: 'contoso-dc',
    });
    expect(ep.subnets.find((s) => s.id === 'snet-cluster')).toMatchObject({ kind: 'azure' });
    expect(ep.subnets.find((s) => s.id === 'corp-servers')).toMatchObject({ kind: 'on-premises' });
    expect(ep.tags).toEqual(expect.arrayContaining(['Internet', 'AzureResourceManager', 'Storage']));
  });
});

describe('health.run against real loopback listeners, history beside the workspace', () => {
  let ws: string;
  let doc: { fileName: string; text: string };
  beforeAll(() => {
    ws = join(dir, 'loop.junction.json');
    doc = { fileName: 'loop.junction.json', text: loopWorkspace(CC) };
    writeFileSync(ws, doc.text);
  });

  it('lists the probe sets derived from the document', async () => {
    const { sets } = await call<{ sets: ProbeSetInfo[] }>('health.probeSet', doc);
    expect(sets.map((s) => s.name)).toEqual(['cyclecloud-outbound', 'cyclecloud-cluster', 'license-link']);
    expect(sets[2]!.probes).toEqual([
      {
        id: 'll-flexlm:tcp:27000',
        set: 'license-link',
        kind: 'tcp',
        target: `${LIC}:27000`,
        runFrom: 'azure-nodes',
        link: 'license-link:ll-flexlm',
      },
      {
        id: 'll-flexlm:tcp:27001',
        set: 'license-link',
        kind: 'tcp',
        target: `${LIC}:27001`,
        runFrom: 'azure-nodes',
        link: 'license-link:ll-flexlm',
      },
    ]);
  });

  it('runs the chosen sets with progress, appends to <name>.health.jsonl and summarises rows, links and colours', async () => {
    const jobId = 'job-health-run-1';
    const seen: JobStatus[] = [];
    let polling = true;
    const poll = (async () => {
      while (polling) {
        seen.push(await call<JobStatus>('jobs.progress', { jobId }));
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    const r = await call<HealthRunResult>('health.run', {
      ...doc,
      workspace: ws,
      sets: CLUSTER_AND_LICENSE,
      caFile,
      timeoutMs: 3000,
      jobId,
    });
    polling = false;
    await poll;
    expect(r.ran).toBe(4);
    expect(r.counts).toEqual({ ok: 2, warning: 1, fail: 1, cancelled: 0 });
    const final = await call<JobStatus>('jobs.progress', { jobId });
    expect(final).toMatchObject({ state: 'done', progress: { filesDone: 4, filesTotal: 4 } });
    expect(final.progress!.phase).toBe('probing · 1 failed');
    // Progress was reported while it ran, counting up to the total.
    const counts = seen.filter((s) => s.progress).map((s) => s.progress!.filesDone);
    expect(counts.length).toBeGreaterThan(0);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));

    const s = r.summary;
    const historyFile = join(dir, 'loop.health.jsonl');
    expect(s).toMatchObject({ persisted: true, historyFile, records: 4, skipped: 0 });
    expect(readFileSync(historyFile, 'utf8').trim().split('\n')).toHaveLength(4);
    const row = (id: string) => s.rows.find((x) => x.id === id && x.source === 'local')!;
    expect(row('cc-main:amqp:5672')).toMatchObject({
      status: 'ok',
      kind: 'amqp',
      targetHost: 'cc01',
      runFrom: 'a node of snet-cluster',
    });
    expect(row('cc-main:tls:9443')).toMatchObject({
      status: 'warning',
      cert: { expiry: 'within-7-days', trusted: true, namesHost: true },
    });
    expect(row('cc-main:tls:9443').cert!.daysLeft).toBeLessThanOrEqual(5);
    expect(row('ll-flexlm:tcp:27000')).toMatchObject({ status: 'ok', targetHost: 'lic01' });
    expect(row('ll-flexlm:tcp:27001')).toMatchObject({ status: 'fail', errorCode: 'ECONNREFUSED' });
    expect(row('ll-flexlm:tcp:27001').series).toHaveLength(1);
    // The outbound set was not run: its probes are rows with no source yet.
    const unprobed = s.rows.filter((x) => x.source === null);
    expect(unprobed).toHaveLength(14);
    expect(unprobed.every((x) => x.set === 'cyclecloud-outbound' && x.status === 'unknown')).toBe(true);
    expect(s.certWarnings.map((w) => w.target)).toEqual([`${CC}:9443`]);

    // Taken here, labelled so, and never deciding: the probes are meant to run from azure-nodes and the cluster.
    expect(row('ll-flexlm:tcp:27000')).toMatchObject({ takenFrom: 'this machine', decides: false });
    const link = (id: string) => s.links.find((l) => l.id === id)!;
    expect(link('license-link:ll-flexlm')).toMatchObject({ level: 'unknown', local: { level: 'degraded' } });
    expect(link('license-link:ll-flexlm').source).toBeUndefined();
    expect(link('license-link:ll-flexlm').local!.summary).toMatch(/^1 of 2 not ok: .*:27001/);
    expect(link('license-link:ll-flexlm').summary).toMatch(/^no result from azure-nodes yet: the probes ran only on this machine/);
    expect(link('cyclecloud-cluster:cc-main')).toMatchObject({ level: 'unknown', local: { level: 'degraded' } });
    expect(link('cyclecloud-outbound:cc-main')).toMatchObject({ level: 'unknown' });
    expect(link('cyclecloud-outbound:cc-main').local).toBeUndefined();
    expect(s.objects).toMatchObject({ lic01: 'unknown', cc01: 'unknown', 'cc-main': 'unknown' });
    expect(s.edges).toEqual(expect.arrayContaining([{ a: 'azure-nodes', b: 'jb01', level: 'unknown' }]));
    expect(s.latest.local).toBeDefined();
    expect(s.latest['far-side']).toBeUndefined();

    // A second run appends: two points per target and per link, the same history read back by health.history.
    await call<HealthRunResult>('health.run', {
      ...doc,
      workspace: ws,
      sets: ['license-link'],
      timeoutMs: 3000,
    });
    const h = await call<HealthSummary>('health.history', { ...doc, workspace: ws });
    expect(h.records).toBe(6);
    expect(h.rows.find((x) => x.id === 'll-flexlm:tcp:27000' && x.source === 'local')!.series).toHaveLength(
      2,
    );
    // The link's own series holds only results from where its probes are meant to run: none yet.
    expect(h.links.find((l) => l.id === 'license-link:ll-flexlm')!.series).toHaveLength(0);
  });

  it('cancel mid-run keeps what finished, stops the rest, and says cancelled', async () => {
    const silentWs = join(dir, 'silent.junction.json');
    const silent = { fileName: 'silent.junction.json', text: loopWorkspace(CC_SILENT) };
    writeFileSync(silentWs, silent.text);
    const jobId = 'job-health-cancel';
    const t0 = Date.now();
    const run = rejection(
      call('health.run', {
        ...silent,
        workspace: silentWs,
        // One at a time: the two license probes answer at once, then the AMQP probe waits on a silent peer.
        ids: ['ll-flexlm:tcp:27000', 'll-flexlm:tcp:27001', 'cc-main:amqp:5672', 'cc-main:tls:9443'],
        concurrency: 1,
        timeoutMs: 20_000,
        jobId,
      }),
    );
    let st: JobStatus;
    do {
      await new Promise((r) => setTimeout(r, 10));
      st = await call<JobStatus>('jobs.progress', { jobId });
    } while ((st.progress?.filesDone ?? 0) < 2 && Date.now() - t0 < 10_000);
    expect(st.state).toBe('running');
    expect(st.progress).toMatchObject({ filesDone: 2, filesTotal: 4 });
    expect(await call('jobs.cancel', { jobId })).toEqual({ cancelled: true });
    const e = await run;
    expect(e.message).toMatch(/cancelled by the admin/);
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(await call<JobStatus>('jobs.progress', { jobId })).toMatchObject({ state: 'cancelled' });
    // The two license probes are real observations and are kept; the cancelled ones say nothing and are not.
    const lines = readFileSync(join(dir, 'silent.health.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string });
    expect(lines.map((l) => l.id).sort()).toEqual(['ll-flexlm:tcp:27000', 'll-flexlm:tcp:27001']);
    const h = await call<HealthSummary>('health.history', { ...silent, workspace: silentWs });
    expect(h.rows.find((r) => r.id === 'cc-main:amqp:5672')).toMatchObject({
      source: null,
      status: 'unknown',
    });
  });

  it('a set the workspace does not have is bad input naming the sets it has', async () => {
    const e = await rejection(call('health.run', { ...doc, workspace: ws, sets: ['nope'] }));
    expect(e.code).toBe('bad-request');
    expect(e.message).toBe(
      'health.run: loop.junction.json: no probe set "nope" — sets in this workspace: cyclecloud-outbound, cyclecloud-cluster, license-link',
    );
  });

  it('a document without a file keeps its results for this session only, and says so', async () => {
    const unsaved = { fileName: 'unsaved.junction.json', text: doc.text };
    const r = await call<HealthRunResult>('health.run', {
      ...unsaved,
      sets: ['license-link'],
      timeoutMs: 3000,
    });
    expect(r.summary).toMatchObject({ persisted: false, records: 2 });
    expect(r.summary.historyFile).toBeUndefined();
    expect(existsSync(join(process.cwd(), 'unsaved.health.jsonl'))).toBe(false);
    const h = await call<HealthSummary>('health.history', unsaved);
    expect(h).toMatchObject({ persisted: false, records: 2 });
    expect(h.objects.lic01).toBe('unknown');
    expect(h.links.find((l) => l.id === 'license-link:ll-flexlm')!.local!.level).toBe('degraded');
  });

  it('a far-side report recolours the links with source far-side, once; bad reports are refused with the reason', async () => {
    const report = join(dir, 'azure-nodes-report.json');
    const collected = new Date(Date.now() + 2000).toISOString();
    writeFileSync(
      report,
      licenseDownReport(LIC, collected, [
        {
          id: 'cc-main:https:management.azure.com',
          set: 'cyclecloud-outbound',
          kind: 'https',
          target: 'https://management.azure.com/',
          status: 'skipped',
          ok: false,
          detail: 'no curl',
          ms: 0,
        },
      ]),
    );
    const before = await call<HealthSummary>('health.history', { ...doc, workspace: ws });
    expect(before.objects.lic01).toBe('unknown');

    const r = await call<HealthImportResult>('health.importReport', { ...doc, workspace: ws, path: report });
    expect(r).toMatchObject({ kind: 'report', reports: 1, added: 2 });
    const s = r.summary;
    const link = s.links.find((l) => l.id === 'license-link:ll-flexlm')!;
    expect(link).toMatchObject({ level: 'down', source: 'far-side', at: collected, decidedBy: 'far-side report from azure-nodes' });
    expect(s.objects.lic01).toBe('down');
    expect(s.edges).toEqual(expect.arrayContaining([{ a: 'azure-nodes', b: 'jb01', level: 'down' }]));
    expect(s.latest['far-side']).toBe(collected);
    const far = s.rows.filter((x) => x.source === 'far-side');
    expect(far.map((x) => x.id).sort()).toEqual(['ll-flexlm:tcp:27000', 'll-flexlm:tcp:27001']);
    expect(far[0]).toMatchObject({
      status: 'fail',
      reportedBy: 'azure-nodes on NODE-07',
      runFrom: 'azure-nodes',
      takenFrom: 'azure-nodes on NODE-07 (far-side report)',
      decides: true,
    });
    // The local rows stay beside them: the same probe seen from here and from there.
    expect(s.rows.find((x) => x.id === 'll-flexlm:tcp:27000' && x.source === 'local')!.status).toBe('ok');

    const again = await call<HealthImportResult>('health.importReport', {
      ...doc,
      workspace: ws,
      path: report,
    });
    expect(again.added).toBe(0);

    const bad = join(dir, 'bad-report.json');
    writeFileSync(
      bad,
      JSON.stringify({ format: 'junction-health/1', host: 'x', collected: 'yesterday', probes: [] }),
    );
    const e = await rejection(call('health.importReport', { ...doc, workspace: ws, path: bad }));
    expect(e.code).toBe('bad-request');
    expect(e.message).toMatch(/bad-report\.json: at collected: .* — choose a report collect-health/);
    const missing = await rejection(
      call('health.importReport', { ...doc, workspace: ws, path: join(dir, 'nope') }),
    );
    expect(missing.code).toBe('not-found');
    expect(missing.message).toMatch(
      /does not exist — give the bundle folder on the media, or one report file/,
    );
  });
});

it('the example file itself answers the same as its text', async () => {
  // The channels take the document's text; the file on disk is only where the history goes.
  const a = await call<ReachAnswer>('reach.query', {
    fileName: 'contoso-hybrid.junction.json',
    text: readFileSync(EXAMPLE_PATH, 'utf8'),
    from: 'snet-cluster',
    to: 'cc01',
    port: 5672,
  });
  expect(a.ok && a.verdict).toBe('reachable');
});
