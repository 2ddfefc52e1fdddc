// The Apply screen's channels through the host's dispatch, against the real local HTTPS ARM emulator (real SDK,
// real certificate sign-in, real journal files): plan, apply, NoChange, a portal edit, cancel and resume with no
// duplicate PUT, a 412 that asks for a new plan, the offline queue, exports, and shared keys that are either sealed
// by a key store that really encrypts or never stored at all.
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openConfSettings } from '../../electron/web/settings';
import { ArmEmulator } from '../azure/emulator/server';
import { makePki, type TestPki } from '../azure/emulator/certs';
import { EXAMPLE, PSK, emulatorConnection, portalPut, workdir } from '../azure/helpers';
import {
  createHost,
  dispatch,
  memorySettings,
  type HostCapabilities,
  type SettingsBackend,
} from '../../electron/services/host';
import { safeStorageVault } from '../../electron/main/secrets';
import { aesStorage } from './test-vault';
import { desiredResources } from '../../shared/azure/desired';
import { canonical } from '../../shared/azure/canonical';
import { loadWorkspace } from '../../shared/model/load';
import type { JobStatus, JunctionApi } from '../../shared/api/contract';
import type {
  AzureApplyResult,
  AzureExportResult,
  AzureJournalView,
  AzurePlanView,
  AzureSecretsView,
  AzureSettingsView,
  AzureSnapshotResult,
  AzureStatusView,
} from '../../shared/api/azure-api';
import { readHistory } from '../../electron/health/history';

process.env.JUNCTION_AZURE_POLL_MS = '10';
process.env.JUNCTION_AZURE_RETRY_MS = '50';

const text = readFileSync(EXAMPLE, 'utf8');
const fileName = 'contoso-hybrid.junction.json';
const doc = { fileName, text };
const SECRET = 'contoso-s2s-psk';
const loaded = loadWorkspace(text, fileName);
if (!loaded.ok) throw new Error('example does not load');
const desired = desiredResources(loaded.workspace).resources;
const N = desired.length;

let pki: TestPki;
let emu: ArmEmulator;
beforeAll(() => {
  pki = makePki();
});
beforeEach(async () => {
  emu = new ArmEmulator({ key: pki.serverKey, cert: pki.serverCert });
  await emu.start();
});
afterEach(async () => {
  await emu.stop();
});

interface Host {
  api: JunctionApi;
  settings: SettingsBackend;
  state: string;
  call<T>(channel: string, payload: unknown): Promise<T>;
  /** Every response, to check no secret ever comes back. */
  seen: string[];
}

async function host(caps: Partial<HostCapabilities> = {}, armEndpoint?: string): Promise<Host> {
  const settings = caps.settings ?? memorySettings();
  const api = createHost({ frontDoor: 'test', ...caps, settings });
  const seen: string[] = [];
  const call = async <T>(channel: string, payload: unknown) => {
    const r = (await dispatch(api, channel, payload)) as T;
    seen.push(JSON.stringify(r));
    return r;
  };
  const { state } = workdir();
  await call<AzureSettingsView>('azure.settings.update', emulatorConnection(emu, pki, state, armEndpoint));
  return { api, settings, state, call, seen };
}

const put = (path: string, body: unknown) => portalPut(emu, pki, path, body);

function expectLiveEqualsDesired() {
  for (const d of desired) {
    const live = emu.get(d.armId);
    expect(live, d.armId).toBeDefined();
    expect(canonical(d.kind, live), d.name).toEqual(canonical(d.kind, d.body));
  }
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((n) =>
    statSync(join(dir, n)).isDirectory() ? filesUnder(join(dir, n)) : [join(dir, n)],
  );
}

describe('azure channels against the HTTPS ARM emulator', () => {
  it('plans all Create on empty, applies with progress, plans all NoChange; a portal edit is a Modify naming the property', async () => {
    const h = await host();
    const p1 = await h.call<AzurePlanView>('azure.plan', { ...doc, jobId: 'plan-1-aaaa' });
    expect(p1.source).toEqual({ kind: 'live', armEndpoint: emu.base });
    expect(p1.counts).toEqual({ Create: N, Modify: 0, Delete: 0, NoChange: 0, Ignore: 0 });
    expect(p1.steps.every((s) => s.action === 'Create' && s.changes.length > 0 && !s.unowned)).toBe(true);
    expect(p1.planHash).toMatch(/^[0-9a-f]{64}$/);
    expect(p1.secrets).toEqual([
      { name: SECRET, available: 'missing', description: 'Azure VPN connection cn-hpc-to-contoso' },
    ]);
    expect(p1.warnings.join()).toMatch(/vpngw-hpc does not exist/);
    expect(emu.appliedPuts).toHaveLength(0);

    // Progress through the job runner while the apply runs: the bar counts steps.
    const polls: JobStatus[] = [];
    const timer = setInterval(
      () =>
        void dispatch(h.api, 'jobs.progress', { jobId: 'apply-1-aaaa' }).then((s) =>
          polls.push(s as JobStatus),
        ),
      5,
    );
    const a = await h.call<AzureApplyResult>('azure.apply', {
      ...doc,
      planHash: p1.planHash,
      secrets: { [SECRET]: PSK },
      jobId: 'apply-1-aaaa',
    });
    clearInterval(timer);
    expect(a).toMatchObject({ outcome: 'completed', performed: N, skipped: 0, total: N });
    expect(a.applyId).toMatch(/^\d{8}T\d{6}Z-[0-9a-f]{6}$/);
    const during = polls.filter((s) => s.state === 'running' && s.progress && s.progress.filesTotal === N);
    expect(during.length).toBeGreaterThan(0);
    expect(during.some((s) => /^(Create|Modify|Delete) /.test(s.progress!.phase))).toBe(true);
    expect(((await dispatch(h.api, 'jobs.progress', { jobId: 'apply-1-aaaa' })) as JobStatus).state).toBe(
      'done',
    );
    expectLiveEqualsDesired();
    const conn = desired.find((d) => d.kind === 'connection')!;
    expect(emu.secretOf(conn.armId)).toEqual({ sharedKey: PSK });

    const j = await h.call<AzureJournalView>('azure.journal', doc);
    expect(j).toMatchObject({
      applyId: a.applyId,
      status: 'completed',
      resumable: false,
      done: N,
      total: N,
      workspaceChanged: false,
    });
    expect(j.steps.every((s) => s.state === 'done')).toBe(true);
    expect(j.log.at(-1)?.text).toBe('completed');

    const p2 = await h.call<AzurePlanView>('azure.plan', doc);
    expect(p2.counts).toEqual({ Create: 0, Modify: 0, Delete: 0, NoChange: N, Ignore: 0 });
    const again = await h.call<AzureApplyResult>('azure.apply', { ...doc, planHash: p2.planHash });
    expect(again.outcome).toBe('nothing');
    expect(emu.appliedPuts).toHaveLength(N);

    const nsg = desired.find((d) => d.name === 'nsg-cyclecloud')!;
    expect(
      await put(`${new URL(nsg.armId, 'https://x').pathname}/securityRules/AllowAzureStorage`, {
        properties: {
          priority: 100,
          direction: 'Outbound',
          access: 'Allow',
          protocol: 'Tcp',
          sourceAddressPrefix: '*',
          sourcePortRange: '*',
          destinationAddressPrefix: 'Storage',
          destinationPortRange: '8443',
        },
      }),
    ).toBe(200);
    const p3 = await h.call<AzurePlanView>('azure.plan', doc);
    expect(p3.counts).toMatchObject({ Modify: 1, NoChange: N - 1 });
    const mod = p3.steps.find((s) => s.action === 'Modify')!;
    expect(mod.name).toBe('nsg-cyclecloud');
    expect(mod.changes).toContainEqual({
      path: 'properties.securityRules[AllowAzureStorage].destinationPortRanges',
      before: ['8443'],
      after: ['443'],
    });

    // Offline: against the snapshot the last online plan saved, with its age.
    const off = await h.call<AzurePlanView>('azure.plan', { ...doc, offline: true });
    expect(off.source).toMatchObject({ kind: 'snapshot', reason: 'ARM was not asked ("Plan offline")' });
    expect(off.source.kind === 'snapshot' && off.source.age).toMatch(/^\d+ seconds? old$/);
    expect(off.steps.find((s) => s.action === 'Modify')?.changes).toEqual(mod.changes);

    // The shared key never comes back in a response and never lands in the state directory or the settings.
    for (const r of h.seen) expect(r).not.toContain(PSK);
    for (const f of filesUnder(h.state)) expect(readFileSync(f, 'utf8'), f).not.toContain(PSK);
    expect(JSON.stringify(h.settings.get('azure' as never))).not.toContain(PSK);
  });

  it('exports the snapshot on a connected machine and imports it where the plan is reviewed offline', async () => {
    const connected = await host();
    await connected.call<AzurePlanView>('azure.plan', doc);
    const file = join(mkdtempSync(join(tmpdir(), 'junction-snap-')), 'contoso-snapshot.json');
    const ex = await connected.call<AzureSnapshotResult>('azure.snapshot', { ...doc, action: 'export', path: file });
    expect(ex).toMatchObject({ action: 'export', workspace: loaded.workspace.name, file });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).not.toContain(PSK);
    const again = await dispatch(connected.api, 'azure.snapshot', { ...doc, action: 'export', path: file }).catch((e: Error) => e);
    expect(String(again)).toMatch(/already exists — choose a new file name/);

    // The offline machine: ARM unreachable, no snapshot of its own.
    const offline = await host({}, 'https://127.0.0.1:1');
    const none = await dispatch(offline.api, 'azure.plan', { ...doc, offline: true }).catch((e: Error) => e);
    expect(String(none)).toMatch(/no snapshot of live state/);
    const im = await offline.call<AzureSnapshotResult>('azure.snapshot', { ...doc, action: 'import', path: file });
    expect(im).toMatchObject({ action: 'import', savedAt: ex.savedAt, resources: ex.resources });
    const plan = await offline.call<AzurePlanView>('azure.plan', { ...doc, offline: true });
    expect(plan.source).toMatchObject({ kind: 'snapshot', savedAt: ex.savedAt });
    expect(plan.counts.Create).toBe(N);

    // A snapshot of another workspace, or a file that is not one, is refused with the reason.
    const other = join(tmpdir(), `junction-snap-other-${process.pid}.json`);
    writeFileSync(other, readFileSync(file, 'utf8').replace(`"workspace": "${loaded.workspace.name}"`, '"workspace": "Fabrikam"'));
    expect(String(await dispatch(offline.api, 'azure.snapshot', { ...doc, action: 'import', path: other }).catch((e: Error) => e))).toMatch(
      /is a snapshot of workspace "Fabrikam", not/,
    );
    writeFileSync(other, '{"format":"junction-azure-snapshot/1","workspace":"x"}');
    expect(String(await dispatch(offline.api, 'azure.snapshot', { ...doc, action: 'import', path: other }).catch((e: Error) => e))).toMatch(
      /at armEndpoint: .*export the snapshot again/,
    );
  });

  it('applies only the plan the admin confirmed, and only with every shared key at hand', async () => {
    const h = await host();
    const p = await h.call<AzurePlanView>('azure.plan', doc);
    // Something changes in Azure after the review: the confirmed hash no longer matches, nothing is sent.
    const rt = desired.find((d) => d.kind === 'routeTable')!;
    expect(
      await put(new URL(rt.armId, 'https://x').pathname, {
        location: 'westeurope',
        properties: { routes: [] },
      }),
    ).toBe(201);
    const changed = await h.call<AzureApplyResult>('azure.apply', {
      ...doc,
      planHash: p.planHash,
      secrets: { [SECRET]: PSK },
    });
    expect(changed.outcome).toBe('plan-changed');
    expect(changed.plan?.counts).toMatchObject({ Create: N - 1, Ignore: 1 });
    expect(changed.plan?.steps.find((s) => s.name === rt.name)).toMatchObject({
      action: 'Ignore',
      unowned: true,
      allowed: false,
    });
    expect(emu.appliedPuts).toHaveLength(1); // the portal's own PUT

    // Taking the unowned route table over is explicit, per resource.
    const taken = await h.call<AzurePlanView>('azure.plan', { ...doc, allowUnowned: [rt.name] });
    expect(taken.steps.find((s) => s.name === rt.name)).toMatchObject({
      action: 'Modify',
      unowned: true,
      allowed: true,
    });

    await expect(
      dispatch(h.api, 'azure.apply', { ...doc, planHash: changed.plan!.planHash }),
    ).rejects.toThrow(
      /secret "contoso-s2s-psk" not available; nothing was changed — type it in the apply confirmation/,
    );
    expect(emu.appliedPuts).toHaveLength(1);
    await expect(
      dispatch(h.api, 'azure.apply', { ...doc, planHash: p.planHash, resume: '20260101T000000Z-abcdef' }),
    ).rejects.toThrow(/azure\.apply: planHash: confirm either/);
    await expect(dispatch(h.api, 'azure.apply', { ...doc })).rejects.toThrow(
      /confirm either the plan you reviewed/,
    );
  });

  it('a cancelled apply shows as resumable; resume verifies the step in flight and sends no PUT twice', async () => {
    const h = await host();
    const p = await h.call<AzurePlanView>('azure.plan', doc);
    emu.hangOnPut = 3; // the third PUT lands in Azure but its answer never comes
    emu.onPutApplied = (n) => {
      if (n === 3) void dispatch(h.api, 'jobs.cancel', { jobId: 'apply-cancel-1' });
    };
    const a = await h.call<AzureApplyResult>('azure.apply', {
      ...doc,
      planHash: p.planHash,
      secrets: { [SECRET]: PSK },
      jobId: 'apply-cancel-1',
    });
    emu.onPutApplied = undefined;
    emu.hangOnPut = undefined;
    expect(a.outcome).toBe('cancelled');
    expect(a.failure).toMatchObject({ code: 'Cancelled', remedy: 'resume' });
    expect(a.performed).toBe(2);
    expect(emu.appliedPuts).toHaveLength(3);

    const j = await h.call<AzureJournalView>('azure.journal', doc);
    expect(j).toMatchObject({ applyId: a.applyId, status: 'stopped', resumable: true, done: 2, total: N });
    expect(j.steps.map((s) => s.state)).toEqual([
      'done',
      'done',
      'interrupted',
      ...Array(N - 3).fill('pending'),
    ]);
    expect(j.failure).toMatchObject({ code: 'Cancelled', remedy: 'resume', name: j.steps[2]!.name });

    const r = await h.call<AzureApplyResult>('azure.apply', {
      ...doc,
      resume: a.applyId,
      secrets: { [SECRET]: PSK },
      jobId: 'resume-1-aaaa',
    });
    expect(r).toMatchObject({ outcome: 'completed', performed: N - 3, skipped: 3, total: N });
    expect(emu.appliedPuts).toHaveLength(N);
    expect(new Set(emu.appliedPuts).size).toBe(N); // zero duplicate PUTs
    expectLiveEqualsDesired();
    const done = await h.call<AzureJournalView>('azure.journal', doc);
    expect(done).toMatchObject({ status: 'completed', resumable: false });
    expect(done.steps[2]!.state).toBe('verified');
    expect(done.log.some((l) => l.tone === 'skip' && /verified by GET\), not sent again/.test(l.text))).toBe(
      true,
    );
    await expect(
      dispatch(h.api, 'azure.apply', { ...doc, resume: a.applyId, secrets: { [SECRET]: PSK } }),
    ).rejects.toThrow(/no unfinished apply/);
  });

  it('a change in Azure during the apply stops that step with 412, overwrites nothing, and asks for a new plan', async () => {
    const h = await host();
    const p0 = await h.call<AzurePlanView>('azure.plan', doc);
    expect(
      (
        await h.call<AzureApplyResult>('azure.apply', {
          ...doc,
          planHash: p0.planHash,
          secrets: { [SECRET]: PSK },
        })
      ).outcome,
    ).toBe('completed');
    const edited = {
      fileName,
      text: text
        .replace('"disableBgpRoutePropagation": false', '"disableBgpRoutePropagation": true')
        .replace('"destinationPorts": ["443"]', '"destinationPorts": ["443", "8443"]'),
    };
    const p = await h.call<AzurePlanView>('azure.plan', edited);
    expect(p.counts.Modify).toBe(2);
    const rt = desired.find((d) => d.kind === 'routeTable')!;
    emu.pollsToFinish = 30; // the NSG step takes long enough for the portal edit to land first
    let portal: Promise<number> | undefined;
    emu.onPutApplied = (n) => {
      if (n === N + 1)
        portal = put(`${new URL(rt.armId, 'https://x').pathname}/routes/portal-added`, {
          properties: { addressPrefix: '10.9.0.0/16', nextHopType: 'None' },
        });
    };
    const a = await h.call<AzureApplyResult>('azure.apply', { ...edited, planHash: p.planHash });
    emu.onPutApplied = undefined;
    expect(await portal).toBe(201);
    expect(a.outcome).toBe('stopped');
    expect(a.failure).toMatchObject({ code: 'PreconditionFailed', remedy: 'replan', kind: 'routeTable' });
    expect(a.failure?.fix).toMatch(/Plan again/);
    const routes = (
      (emu.get(rt.armId)!['properties'] as Record<string, unknown>)['routes'] as { name: string }[]
    ).map((x) => x.name);
    expect(routes).toContain('portal-added');
    const j = await h.call<AzureJournalView>('azure.journal', edited);
    expect(j).toMatchObject({ status: 'stopped', resumable: false });
    expect(j.failure?.remedy).toBe('replan');
  });

  it('queues an apply while ARM is unreachable, and only offers it once ARM answers', async () => {
    const h = await host({}, 'https://127.0.0.1:1');
    const p = await dispatch(h.api, 'azure.plan', doc).catch((e: Error) => e);
    expect(String(p)).toMatch(
      /cannot plan offline: ARM is unreachable .*no snapshot of live state.* — plan once while connected/,
    );
    // "Plan offline" with no snapshot says so in a sentence (it read "cannot plan offline: requested, and …").
    const off = await dispatch(h.api, 'azure.plan', { ...doc, offline: true }).catch((e: Error) => e);
    expect(String(off)).toMatch(/cannot plan offline: ARM was not asked \("Plan offline"\), and there is no snapshot of live state/);
    const planHash = 'a'.repeat(64);
    const q = await h.call<AzureApplyResult>('azure.apply', { ...doc, planHash });
    expect(q.outcome).toBe('queued');
    expect(q.queued?.file).toContain(join(h.state, 'queue'));
    expect(emu.requests).toHaveLength(0);
    const listed = await h.call<{ items: { workspace: string; probe?: { online: boolean } }[] }>(
      'azure.queue',
      { action: 'probe' },
    );
    expect(listed.items).toHaveLength(1);
    expect(listed.items[0]!.probe?.online).toBe(false);
    await h.call('azure.settings.update', { armEndpoint: emu.base });
    const reachable = await h.call<{
      items: { workspace: string; probe?: { online: boolean; detail: string } }[];
    }>('azure.queue', { action: 'probe' });
    expect(reachable.items[0]!.probe).toMatchObject({ online: true, detail: 'HTTP 200' });
    expect(emu.appliedPuts).toHaveLength(0); // offered, never run
    const after = await h.call<{ items: unknown[] }>('azure.queue', {
      action: 'dequeue',
      workspace: reachable.items[0]!.workspace,
    });
    expect(after.items).toHaveLength(0);
  });

  it('reads live VPN status with the same sign-in, judges it against the model and appends it to the health history', async () => {
    const h = await host();
    const p = await h.call<AzurePlanView>('azure.plan', doc);
    await h.call<AzureApplyResult>('azure.apply', { ...doc, planHash: p.planHash, secrets: { [SECRET]: PSK } });
    const conn = desired.find((d) => d.kind === 'connection')!;
    emu.setConnectionStatus(conn.armId, {
      connectionStatus: 'NotConnected',
      ingressBytesTransferred: 0,
      egressBytesTransferred: 0,
      tunnelConnectionStatus: [],
    });
    const saved = join(mkdtempSync(join(tmpdir(), 'junction-status-')), 'estate.junction.json');
    const st = await h.call<AzureStatusView>('azure.status', { ...doc, workspace: saved, jobId: 'status-1-aaaa' });
    expect(st.online).toBe(true);
    expect(st.counts).toMatchObject({ ok: 0, down: 1 });
    expect(st.connections[0]).toMatchObject({ name: 'cn-hpc-to-contoso', verdict: 'down', armId: conn.armId });
    expect(st.connections[0]!.reason).toMatch(/^NotConnected: check the shared key/);
    // The verdict lands where the Health screen and the topology read it.
    expect(st.history).toBe(join(saved, '..', 'estate.health.jsonl'));
    const { results } = await readHistory(st.history!);
    expect(results.map((r) => [r.kind, r.status])).toEqual([['azure-vpn', 'fail']]);
    const summary = await h.call<{ latest: Record<string, unknown> }>('health.history', { ...doc, workspace: saved });
    expect(summary.latest['azure']).toBeDefined();
    // Offline: every connection unknown, nothing invented, and the history says so too.
    await h.call('azure.settings.update', { armEndpoint: 'https://127.0.0.1:1' });
    const off = await h.call<AzureStatusView>('azure.status', { ...doc });
    expect(off.online).toBe(false);
    expect(off.counts.unknown).toBe(1);
    expect(off.history).toBeUndefined();
  });

  it('exports the ARM template and the az script, optionally written to a path', async () => {
    const h = await host();
    const arm = await h.call<AzureExportResult>('azure.export', { ...doc, format: 'arm' });
    expect(arm.files).toHaveLength(1);
    expect(JSON.parse(arm.files[0]!.text).resources).toHaveLength(N);
    expect(arm.files[0]!.hint).toMatch(/^az deployment group create --subscription \S+ -g rg-hpc-burst/);
    const out = join(h.state, '..', 'out', 'contoso.json');
    const written = await h.call<AzureExportResult>('azure.export', { ...doc, format: 'arm', out });
    expect(written.written).toEqual([out]);
    expect(readFileSync(out, 'utf8')).toBe(arm.files[0]!.text);
    const cliOut = join(h.state, '..', 'out', 'apply.sh');
    const script = await h.call<AzureExportResult>('azure.export', { ...doc, format: 'cli', out: cliOut });
    // The shared key travels in a request body file, never on az's command line (issue #19).
    const written_ = readFileSync(cliOut, 'utf8');
    expect(written_).toContain('json_string "$JUNCTION_SECRET_CONTOSO_S2S_PSK"');
    expect(written_).not.toMatch(/--shared-key/);
    expect(statSync(cliOut).mode & 0o111).not.toBe(0);
    expect(script.files[0]!.text).toMatch(/az rest --method put/);
  });

  it('validates connection settings: no proxy password, no browser sign-in outside the desktop app', async () => {
    const h = await host();
    await expect(
      dispatch(h.api, 'azure.settings.update', { proxy: 'http://user:secret@proxy:3128' }),
    ).rejects.toThrow(/proxy: a proxy password is a secret/);
    await expect(dispatch(h.api, 'azure.settings.update', { method: 'browser' })).rejects.toThrow(
      /only in the desktop app/,
    );
    const v = await h.call<AzureSettingsView>('azure.settings.update', {
      proxy: 'http://proxy.contoso.local:3128',
      tenantId: '',
    });
    expect(v.prefs.proxy).toBe('http://proxy.contoso.local:3128');
    expect(v.prefs.tenantId).toBeUndefined();
    expect(v.methods.find((m) => m.id === 'browser')?.available).toBe(false);
  });

  it('signs in once (certificate) and keeps the token in memory only', async () => {
    const h = await host();
    const s = await h.call<{ state: string; until?: string }>('azure.login', {
      ...doc,
      jobId: 'login-1-aaaa',
    });
    expect(s.state).toBe('signed-in');
    expect(Date.parse(s.until!)).toBeGreaterThan(Date.now());
    expect((await h.call<AzureSettingsView>('azure.settings', {})).signIn.state).toBe('signed-in');
    await h.call('azure.plan', doc);
    expect(emu.tokenGrants.filter((g) => g === 'client_credentials')).toHaveLength(1);
    for (const r of h.seen) expect(r).not.toContain(emu.token);
    for (const f of filesUnder(h.state)) expect(readFileSync(f, 'utf8')).not.toContain(emu.token);
  });
});

describe('shared keys at rest', () => {
  it('the browser front door refuses to store a key; the apply carries it for that request only', async () => {
    const h = await host({ frontDoor: 'web' });
    await expect(dispatch(h.api, 'azure.secrets.store', { name: SECRET, value: PSK })).rejects.toThrow(
      /web front door has no OS key store.*sent with that request only/,
    );
    const v = await h.call<AzureSecretsView>('azure.secrets.list', doc);
    expect(v).toMatchObject({ canStore: false, vault: { protection: 'none' } });
    expect(v.secrets).toEqual([
      { name: SECRET, stored: false, needed: true, description: 'Azure VPN connection cn-hpc-to-contoso' },
    ]);
    expect(JSON.stringify(h.settings.get('azure' as never))).not.toContain(PSK);
  });

  it('with a key store that encrypts, only the sealed bytes are kept, and the apply takes the key from it', async () => {
    // The real settings file (conf, as the CLI and browser host open it), so what lands on disk is what is checked.
    const userData = mkdtempSync(join(tmpdir(), 'junction-settings-'));
    const settings = openConfSettings(userData);
    const onDisk = () => readFileSync(join(userData, 'settings.json'), 'utf8');
    const storage = aesStorage();
    const h = await host({
      frontDoor: 'electron',
      settings,
      vault: safeStorageVault(storage, 'linux', () => settings.get('secrets').acceptWeakStorage),
    });
    const v = await h.call<AzureSecretsView>('azure.secrets.store', { name: SECRET, value: PSK });
    expect(v.canStore).toBe(true);
    expect(v.secrets).toMatchObject([{ name: SECRET, stored: true, backend: 'gnome_libsecret' }]);
    const data = JSON.stringify(settings.get('azure' as never));
    expect(data).not.toContain(PSK);
    expect(data).not.toContain(Buffer.from(PSK).toString('base64'));
    const sealed = (settings.get('azure' as never) as { secrets: Record<string, { sealed: string }> })
      .secrets[SECRET]!.sealed;
    expect(storage.decryptString(Buffer.from(sealed, 'base64'))).toBe(PSK); // really sealed, by this store
    expect(onDisk()).toContain(sealed);
    expect(onDisk()).not.toContain(PSK);
    expect(onDisk()).not.toContain(Buffer.from(PSK).toString('base64'));

    const p = await h.call<AzurePlanView>('azure.plan', doc);
    expect(p.secrets[0]).toMatchObject({ name: SECRET, available: 'vault' });
    const a = await h.call<AzureApplyResult>('azure.apply', { ...doc, planHash: p.planHash });
    expect(a.outcome).toBe('completed');
    expect(emu.secretOf(desired.find((d) => d.kind === 'connection')!.armId)).toEqual({ sharedKey: PSK });
    for (const r of h.seen) expect(r).not.toContain(PSK);

    const gone = await h.call<AzureSecretsView>('azure.secrets.delete', { name: SECRET });
    expect(gone.secrets).toEqual([]);
    expect(JSON.stringify(settings.get('azure' as never))).not.toContain(sealed);
    expect(onDisk()).not.toContain(sealed);
    expect(onDisk()).not.toContain(PSK);
  });

  it('refuses obfuscation-only storage (Linux basic_text) unless accepted, and a machine without a key store', async () => {
    const settings = memorySettings();
    const weak = aesStorage('basic_text');
    const h = await host({
      frontDoor: 'electron',
      settings,
      vault: safeStorageVault(weak, 'linux', () => settings.get('secrets').acceptWeakStorage),
    });
    await expect(dispatch(h.api, 'azure.secrets.store', { name: SECRET, value: PSK })).rejects.toThrow(
      /basic_text obfuscation .* not accepted — accept obfuscation-only storage explicitly/,
    );
    expect(settings.get('azure' as never)).not.toHaveProperty('secrets.contoso-s2s-psk');
    const v = await h.call<AzureSecretsView>('azure.secrets.store', {
      name: SECRET,
      value: PSK,
      acceptWeakStorage: true,
    });
    expect(v.secrets[0]).toMatchObject({ stored: true, backend: 'basic_text' });
    expect(settings.get('secrets').acceptWeakStorage).toBe(true);

    const none = memorySettings();
    const n = await host({
      frontDoor: 'electron',
      settings: none,
      vault: safeStorageVault(aesStorage('unknown', false), 'linux', () => true),
    });
    await expect(dispatch(n.api, 'azure.secrets.store', { name: SECRET, value: PSK })).rejects.toThrow(
      /cannot store the secret: the OS offers no key store/,
    );
    expect(JSON.stringify(none.get('azure' as never))).not.toContain(PSK);
  });
});
