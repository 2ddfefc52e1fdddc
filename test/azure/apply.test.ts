// Plan/apply/resume against a real local HTTPS ARM emulator, through the real SDK and a real certificate sign-in.
import { describe, it, expect, beforeAll, beforeEach, afterEach } from 'vitest';
import { request } from 'node:https';
import { readFileSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ArmEmulator } from './emulator/server';
import { makePki, type TestPki } from './emulator/certs';
import { armEnv, cli, workdir, PSK } from './helpers';
import { startProxy } from '../helpers/connect-proxy';
import { desiredResources } from '../../shared/azure/desired';
import { canonical } from '../../shared/azure/canonical';
import { loadWorkspace } from '../../shared/model/load';
import type { Workspace } from '../../shared/model/schema';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
let pki: TestPki;
let emu: ArmEmulator;
let ws: Workspace;

function loadWs(file: string): Workspace {
  const r = loadWorkspace(readFileSync(file, 'utf8'), file);
  if (!r.ok) throw new Error('example does not load');
  return r.workspace;
}

function portalPut(path: string, body: unknown): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${emu.base}${path}?api-version=2025-05-01`, { method: 'PUT', ca: pki.caPem, headers: { authorization: `Bearer ${emu.token}`, 'content-type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

/** Edits the workspace file as the admin would and reloads it. */
function editWorkspace(file: string, edit: (doc: { azure: Record<string, { id: string; subnets?: { id: string; routeTable?: string }[] }[]> }) => void): void {
  const doc = JSON.parse(readFileSync(file, 'utf8'));
  edit(doc);
  writeFileSync(file, JSON.stringify(doc, null, 2));
  ws = loadWs(file);
}

/** Drops the route table rt-cluster and the subnet's reference to it. */
const dropRouteTable = (doc: Parameters<Parameters<typeof editWorkspace>[1]>[0]) => {
  doc.azure['routeTables'] = [];
  for (const v of doc.azure['vnets']!) for (const sn of v.subnets ?? []) delete sn.routeTable;
};

const idOf = (kind: string, name: string) => `/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg-hpc-burst/providers/Microsoft.Network/${kind}/${name}`;

function expectLiveEqualsDesired() {
  const { resources } = desiredResources(ws);
  for (const d of resources) {
    const live = emu.get(d.armId);
    expect(live, d.armId).toBeDefined();
    expect(canonical(d.kind, live), d.name).toEqual(canonical(d.kind, d.body));
    expect((live!['properties'] as Record<string, unknown>)['provisioningState']).toBe('Succeeded');
  }
  return resources;
}

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

describe('azure plan/apply against the HTTPS ARM emulator', () => {
  it('plans all Create on empty, applies, then plans all NoChange; a portal edit shows as Modify naming the property', async () => {
    const w = workdir();
    ws = loadWs(w.ws);
    const env = armEnv(emu, pki, w.state);
    const n = desiredResources(ws).resources.length;
    expect(n).toBe(6); // 2 NSGs, 1 route table, 1 LNG, 1 VNet, 1 connection; the VPN gateway is only referenced
    const p1 = await cli(['azure', 'plan', w.ws, '--json'], env);
    expect(p1.err).toBe('');
    expect(p1.code).toBe(0);
    const j1 = JSON.parse(p1.out);
    expect(j1.counts).toEqual({ Create: n, Modify: 0, Delete: 0, NoChange: 0, Ignore: 0 });
    expect(j1.warnings.join()).toMatch(/virtualNetworkGateways\/vpngw-hpc does not exist/);
    expect(emu.tokenGrants).toContain('client_credentials');

    const dry = await cli(['azure', 'apply', w.ws], env);
    expect(dry.out).toMatch(/rerun with --plan [0-9a-f]{16} to apply exactly it \(or --yes\)/);
    expect(emu.appliedPuts).toHaveLength(0);

    const a = await cli(['azure', 'apply', w.ws, '--yes'], env);
    expect(a.err).toBe('');
    expect(a.code, a.out).toBe(0);
    expect(a.out).toMatch(new RegExp(`Apply complete: ${n} step\\(s\\) applied`));
    const resources = expectLiveEqualsDesired();
    // Dependency order: NSGs and route table before the VNet that references them; LNG before the connection.
    const order = emu.appliedPuts.map((id) => id.split('/')[7]);
    expect(order.indexOf('virtualnetworks')).toBeGreaterThan(order.lastIndexOf('networksecuritygroups'));
    expect(order.indexOf('virtualnetworks')).toBeGreaterThan(order.indexOf('routetables'));
    expect(order.indexOf('connections')).toBeGreaterThan(order.indexOf('localnetworkgateways'));
    const conn = resources.find((r) => r.kind === 'connection')!;
    expect(emu.secretOf(conn.armId)).toEqual({ sharedKey: PSK });
    // Every resource carries the ownership tag.
    for (const r of resources) expect((emu.get(r.armId)!['tags'] as Record<string, string>)['junction-owned']).toBe(ws.name);
    // The secret never lands in the journal or the snapshot.
    const { readdirSync } = await import('node:fs');
    for (const sub of ['journals', 'snapshots']) for (const f of readdirSync(`${w.state}/${sub}`)) expect(readFileSync(`${w.state}/${sub}/${f}`, 'utf8')).not.toContain(PSK);

    const p2 = JSON.parse((await cli(['azure', 'plan', w.ws, '--json'], env)).out);
    expect(p2.counts).toEqual({ Create: 0, Modify: 0, Delete: 0, NoChange: n, Ignore: 0 });

    const nsg = resources.find((r) => r.name === 'nsg-cyclecloud')!;
    const rulePath = `${new URL(nsg.armId, 'https://x').pathname}/securityRules/AllowAzureStorage`;
    expect(await portalPut(rulePath, { properties: { priority: 100, direction: 'Outbound', access: 'Allow', protocol: 'Tcp', sourceAddressPrefix: '*', sourcePortRange: '*', destinationAddressPrefix: 'Storage', destinationPortRange: '8443' } })).toBe(200);
    const p3 = await cli(['azure', 'plan', w.ws], env);
    expect(p3.out).toMatch(/~ Modify\s+nsg\s+nsg-cyclecloud/);
    expect(p3.out).toContain('properties.securityRules[AllowAzureStorage].destinationPortRanges: ["8443"] => ["443"]');
    expect(p3.out).toMatch(/Plan: 0 to create, 1 to modify, 0 to delete, 5 unchanged/);

    // Offline plan uses the snapshot saved by the last online read and says how old it is.
    const off = await cli(['azure', 'plan', w.ws, '--offline'], env);
    expect(off.code).toBe(0);
    expect(off.out).toMatch(/Offline plan \(requested with --offline\) against the snapshot of .* \(\d+ seconds? old\)/);
    expect(off.out).toContain('destinationPortRanges: ["8443"] => ["443"]');
  });

  it('If-Match: a portal change between plan and apply stops that step (412) and overwrites nothing', async () => {
    const w = workdir();
    ws = loadWs(w.ws);
    const env = armEnv(emu, pki, w.state);
    expect((await cli(['azure', 'apply', w.ws, '--yes'], env)).code).toBe(0);
    // Desired change in the workspace → Modify planned with the current etag...
    const text = readFileSync(w.ws, 'utf8').replace('"disableBgpRoutePropagation": false', '"disableBgpRoutePropagation": true');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(w.ws, text);
    ws = loadWs(w.ws);
    const { Clients, readLive, scopesOf, startApply } = await import('../../electron/azure/engine');
    const { computePlan } = await import('../../shared/azure/plan');
    const { makeCredential } = await import('../../electron/azure/connection');
    const settings = {
      armEndpoint: emu.base, authorityHost: emu.base, scope: `${emu.base}/.default`, method: 'certificate' as const, tenantId: 't', clientId: 'c',
      certificatePath: pki.clientPfxFile, certificatePassword: pki.clientPfxPassword, caPem: pki.caPem, disableInstanceDiscovery: true,
      retry: { maxRetries: 2, retryDelayInMs: 20, maxRetryDelayInMs: 100 }, pollIntervalMs: 10,
    };
    const clients = new Clients(await makeCredential(settings, () => undefined), settings);
    const desired = desiredResources(ws).resources;
    const plan = computePlan(desired, await readLive(clients, scopesOf(desired)), { owner: ws.name });
    expect(plan.counts.Modify).toBe(1);
    // ...then someone edits the route table in the portal.
    const rt = desired.find((d) => d.kind === 'routeTable')!;
    expect(await portalPut(`${new URL(rt.armId, 'https://x').pathname}/routes/portal-added`, { properties: { addressPrefix: '10.9.0.0/16', nextHopType: 'None' } })).toBe(201);
    const r = await startApply({ clients, settings, secret: () => PSK, log: () => undefined }, w.state, ws.name, desired, plan);
    expect(r.status).toBe('stopped');
    expect(r.failure?.code).toBe('PreconditionFailed');
    expect(r.failure?.message).toMatch(/changed in Azure since the plan/);
    const routes = ((emu.get(rt.armId)!['properties'] as Record<string, unknown>)['routes'] as { name: string }[]).map((x) => x.name);
    expect(routes).toContain('portal-added');
    expect(emu.requests.some((q) => q.method === 'PUT' && q.status === 412 && q.ifMatch === plan.steps.find((s) => s.action === 'Modify')!.etag)).toBe(true);
    // Poll GETs never carry If-Match.
    expect(emu.requests.filter((q) => q.method === 'GET' && q.ifMatch)).toHaveLength(0);
  });

  it('a killed apply resumes from the journal with zero duplicate PUTs', async () => {
    const w = workdir();
    ws = loadWs(w.ws);
    const env = armEnv(emu, pki, w.state);
    const n = desiredResources(ws).resources.length;
    emu.hangOnPut = 3;
    const child = spawn(process.execPath, ['--import', 'tsx', 'electron/cli/entry.ts', 'azure', 'apply', w.ws, '--yes'], { cwd: ROOT, env: { ...process.env, ...env }, stdio: 'pipe' });
    let childOut = '';
    child.stdout.on('data', (d: Buffer) => (childOut += d.toString()));
    child.stderr.on('data', (d: Buffer) => (childOut += d.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_c, sig) => resolve(sig)));
    emu.onPutApplied = (count) => {
      if (count === 3) child.kill('SIGKILL');
    };
    const timer = setTimeout(() => child.kill('SIGKILL'), 45_000);
    const sig = await exited;
    clearTimeout(timer);
    expect(emu.appliedPuts.length, childOut).toBe(3);
    expect(sig, childOut).toBe('SIGKILL');
    expect(emu.appliedPuts).toHaveLength(3);
    emu.hangOnPut = undefined;

    const r = await cli(['azure', 'apply', w.ws, '--resume'], env);
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.out).toMatch(/Resuming .*: 2 of 6 step\(s\) already done/);
    expect(r.out).toMatch(/already applied before the interruption \(verified by GET\), not sent again/);
    expect(emu.appliedPuts).toHaveLength(n);
    expect(new Set(emu.appliedPuts).size).toBe(n); // zero duplicate PUTs
    expectLiveEqualsDesired();
    expect((await cli(['azure', 'apply', w.ws, '--resume'], env)).code).toBe(2); // nothing left to resume
  }, 60_000);

  it('survives 429 (waiting out its Retry-After), 500 and a connection reset; an LRO ending Failed stops with a clear state and resumes', async () => {
    const w = workdir();
    ws = loadWs(w.ws);
    const env = armEnv(emu, pki, w.state);
    emu.faults = [
      { kind: '429', method: 'GET', match: /\/networkSecurityGroups$/, times: 1 },
      { kind: '500', method: 'PUT', match: /routeTables/, times: 1 },
      { kind: 'reset', method: 'PUT', match: /localNetworkGateways/, times: 1 },
      { kind: 'lro-failed', match: /virtualNetworks/i, times: 1 },
    ];
    const a = await cli(['azure', 'apply', w.ws, '--yes'], env);
    expect(a.code).toBe(1);
    expect(a.out).toMatch(/Apply stopped at Create vnet vnet-hpc-westeurope/);
    expect(a.out).toMatch(/apply <workspace> --resume/);
    // The 429 said Retry-After: 2 (seconds); the same request came again only after that wait, not after the
    // 50 ms back-off configured for other retries.
    const throttled = emu.requests.findIndex((q) => q.status === 429);
    expect(throttled).toBeGreaterThanOrEqual(0);
    expect(emu.requests[throttled]!.headers['retry-after']).toBe('2');
    const again = emu.requests.slice(throttled + 1).find((q) => q.method === 'GET' && q.path === emu.requests[throttled]!.path);
    expect(again, 'the throttled LIST was retried').toBeDefined();
    expect(again!.status).toBe(200);
    expect(again!.at - emu.requests[throttled]!.at).toBeGreaterThanOrEqual(1990);
    expect(emu.requests.some((q) => q.status === 500)).toBe(true);
    const journal = readFileSync(/Journal: (\S+)/.exec(a.out)![1]!, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(journal.filter((x) => x.t === 'done')).toHaveLength(4);
    expect(journal.at(-2)).toMatchObject({ t: 'failed', index: 4 });
    expect(journal.at(-1)).toMatchObject({ t: 'end', status: 'stopped' });

    const r = await cli(['azure', 'apply', w.ws, '--resume'], env);
    expect(r.code, r.out).toBe(0);
    expectLiveEqualsDesired();
    const puts = emu.appliedPuts;
    expect(puts.filter((p) => p.includes('virtualnetworks'))).toHaveLength(2); // the failed one, then the retry
    expect(puts.filter((p) => !p.includes('virtualnetworks'))).toHaveLength(new Set(puts.filter((p) => !p.includes('virtualnetworks'))).size);
  });

  it('apply --plan HASH writes nothing when Azure changed after that plan was shown, then applies the plan re-reviewed', async () => {
    const w = workdir();
    ws = loadWs(w.ws);
    const env = armEnv(emu, pki, w.state);
    expect((await cli(['azure', 'apply', w.ws, '--yes'], env)).code).toBe(0);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(w.ws, readFileSync(w.ws, 'utf8').replace('"disableBgpRoutePropagation": false', '"disableBgpRoutePropagation": true'));
    ws = loadWs(w.ws);
    const shown = await cli(['azure', 'plan', w.ws], env);
    const hash = /--plan ([0-9a-f]{16})/.exec(shown.out)?.[1];
    expect(hash, shown.out).toBeDefined();
    expect(JSON.parse((await cli(['azure', 'plan', w.ws, '--json'], env)).out).planHash.startsWith(hash)).toBe(true);
    // The admin reviews; meanwhile someone adds a route to the same table in the portal.
    const rt = desiredResources(ws).resources.find((d) => d.kind === 'routeTable')!;
    expect(await portalPut(`${new URL(rt.armId, 'https://x').pathname}/routes/portal-added`, { properties: { addressPrefix: '10.9.0.0/16', nextHopType: 'None' } })).toBe(201);
    const puts = emu.appliedPuts.length;
    const stale = await cli(['azure', 'apply', w.ws, '--plan', hash!], env);
    expect(stale.code).toBe(1);
    expect(stale.err).toMatch(new RegExp(`no longer the one with hash ${hash}: Azure or the workspace changed .*Nothing was changed`));
    expect(emu.appliedPuts).toHaveLength(puts);
    const routes = () => ((emu.get(rt.armId)!['properties'] as Record<string, unknown>)['routes'] as { name: string }[]).map((x) => x.name);
    expect(routes()).toContain('portal-added');
    // The new plan names the portal's route; applying exactly that plan is the admin's informed choice.
    const now = /rerun with --plan ([0-9a-f]{16})/.exec(stale.err)![1]!;
    expect(stale.out).toMatch(/portal-added/);
    const ok = await cli(['azure', 'apply', w.ws, '--plan', now], env);
    expect(ok.code, ok.out + ok.err).toBe(0);
    expect(emu.appliedPuts).toHaveLength(puts + 1);
    expect((await cli(['azure', 'apply', w.ws, '--plan', 'zz'], env)).err).toMatch(/not a plan hash/);
  });

  it('--resume never replays an unfinished apply that a later, completed apply superseded', async () => {
    const w = workdir();
    ws = loadWs(w.ws);
    const env = armEnv(emu, pki, w.state);
    emu.faults = [{ kind: 'lro-failed', match: /virtualNetworks/i, times: 1 }];
    const first = await cli(['azure', 'apply', w.ws, '--yes'], env);
    expect(first.code).toBe(1);
    expect(first.out).toMatch(/Apply stopped at Create vnet/);
    const second = await cli(['azure', 'apply', w.ws, '--yes'], env);
    expect(second.code, second.out).toBe(0);
    expectLiveEqualsDesired();
    const puts = emu.appliedPuts.length;
    const r = await cli(['azure', 'apply', w.ws, '--resume'], env);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/no unfinished apply/);
    expect(emu.appliedPuts).toHaveLength(puts);
  });

  it('goes through an HTTPS proxy for sign-in, reads and writes: every request the emulator sees crossed a CONNECT tunnel', async () => {
    const proxy = await startProxy();
    try {
      const w = workdir();
      ws = loadWs(w.ws);
      const env = { ...armEnv(emu, pki, w.state), JUNCTION_PROXY: proxy.url };
      const a = await cli(['azure', 'apply', w.ws, '--yes'], env);
      expect(a.code, a.out + a.err).toBe(0);
      expectLiveEqualsDesired();
      const { hostname, port } = new URL(emu.base);
      expect(proxy.log.tunnels.length).toBeGreaterThan(0);
      expect(new Set(proxy.log.tunnels)).toEqual(new Set([`${hostname}:${port}`]));
      // The token grant (certificate credential) and every ARM call came out of the proxy's side of a tunnel.
      expect(emu.tokenGrants).toContain('client_credentials');
      expect(emu.requests.length).toBeGreaterThan(6);
      const direct = emu.requests.filter((q) => !proxy.log.upstreamPorts.has(q.remotePort));
      expect(direct.map((q) => `${q.method} ${q.path}`)).toEqual([]);
    } finally {
      await proxy.close();
    }
  });

  it('queues an apply requested while offline and only offers it once ARM answers', async () => {
    const w = workdir();
    const env = { ...armEnv(emu, pki, w.state), JUNCTION_ARM_ENDPOINT: 'https://127.0.0.1:1' };
    const a = await cli(['azure', 'apply', w.ws, '--yes'], env);
    expect(a.code).toBe(3);
    expect(a.out).toMatch(/Offline .*the apply is queued, nothing was changed/);
    expect(emu.requests).toHaveLength(0);
    const off = await cli(['azure', 'plan', w.ws], env);
    expect(off.code).toBe(2);
    expect(off.err).toMatch(/no snapshot of live state/);
    const q = await cli(['azure', 'queue', '--probe', '--arm-endpoint', emu.base], { ...env, JUNCTION_ARM_ENDPOINT: emu.base });
    expect(q.out).toContain('ARM is reachable');
    expect(q.out).toContain(`junction azure apply ${w.ws} --yes`);
    expect(emu.appliedPuts).toHaveLength(0); // offered, never run silently
  });
  it('deletes owned resources gone from the workspace: after the modify, in reverse dependency order, each DELETE 202 + Location polled until done', async () => {
    const w = workdir();
    ws = loadWs(w.ws);
    const env = armEnv(emu, pki, w.state);
    expect((await cli(['azure', 'apply', w.ws, '--yes'], env)).code).toBe(0);
    // The admin removes the VPN connection, the local network gateway it used and the route table (and the
    // subnet's reference to it): three deletes and one modify of the VNet.
    editWorkspace(w.ws, (doc) => {
      doc.azure['connections'] = [];
      doc.azure['localNetworkGateways'] = [];
      dropRouteTable(doc);
    });
    const gone = [idOf('connections', 'cn-hpc-to-contoso'), idOf('localNetworkGateways', 'lng-contoso-oslo'), idOf('routeTables', 'rt-cluster')];
    const vnet = idOf('virtualNetworks', 'vnet-hpc-westeurope');
    const shown = await cli(['azure', 'plan', w.ws], env);
    expect(shown.code, shown.err).toBe(0);
    expect(shown.out).toMatch(/- Delete\s+connection\s+cn-hpc-to-contoso/);
    expect(shown.out).toMatch(/- Delete\s+localNetworkGateway\s+lng-contoso-oslo/);
    expect(shown.out).toMatch(/- Delete\s+routeTable\s+rt-cluster/);
    expect(shown.out).toMatch(/~ Modify\s+vnet\s+vnet-hpc-westeurope/);
    expect(shown.out).toMatch(/Plan: 0 to create, 1 to modify, 3 to delete, 2 unchanged/);
    const planned = JSON.parse((await cli(['azure', 'plan', w.ws, '--json'], env)).out) as { steps: { action: string; id: string }[] };
    expect(planned.steps.filter((x) => x.action !== 'NoChange').map((x) => [x.action, x.id])).toEqual([['Modify', vnet], ...gone.map((id) => ['Delete', id])]);
    const etags = gone.map((id) => emu.get(id)!['etag']);
    const hash = /--plan ([0-9a-f]{16})/.exec(shown.out)![1]!;

    const from = emu.requests.length;
    const a = await cli(['azure', 'apply', w.ws, '--plan', hash], env);
    expect(a.code, a.out + a.err).toBe(0);
    expect(a.out).toMatch(/Apply complete: 4 step\(s\) applied/);
    const log = emu.requests.slice(from);
    const at = (method: string, id: string) => log.findIndex((q) => q.method === method && q.path.toLowerCase() === id.toLowerCase());
    const deletes = log.filter((q) => q.method === 'DELETE');
    // One DELETE per resource, in reverse dependency order (connection, then the gateway it used, then the table),
    // each conditional on the etag the plan read, answered 202 with a Location to poll.
    expect(deletes.map((q) => q.path.toLowerCase())).toEqual(gone.map((id) => id.toLowerCase()));
    expect(deletes.map((q) => q.ifMatch)).toEqual(etags);
    for (const q of deletes) {
      expect(q.status).toBe(202);
      expect(q.headers['location']).toMatch(/\/operationResults\/[0-9a-f-]+\?api-version=2025-05-01$/);
    }
    // The VNet no longer refers to the table before the table goes (ARM refuses to delete a table in use).
    expect(at('PUT', vnet)).toBeGreaterThanOrEqual(0);
    expect(at('PUT', vnet)).toBeLessThan(at('DELETE', gone[0]!));
    // Each delete was polled at its Location until ARM said done (202 ... then 204), before the next step began.
    deletes.forEach((q, i) => {
      const start = log.indexOf(q);
      const end = i + 1 < deletes.length ? log.indexOf(deletes[i + 1]!) : log.length;
      const pollPath = new URL(q.headers['location']!).pathname;
      const polls = log.slice(start + 1, end).filter((p) => p.method === 'GET' && p.path === pollPath);
      expect(polls.map((p) => p.status), q.path).toEqual([202, 204]);
      expect(polls.every((p) => p.ifMatch === undefined)).toBe(true);
    });
    expect(log.filter((q) => q.status >= 400)).toEqual([]);
    for (const id of gone) expect(emu.get(id), id).toBeUndefined();
    const rt = ((emu.get(vnet)!['properties'] as Record<string, unknown>)['subnets'] as { name: string; properties: Record<string, unknown> }[]).find((x) => x.name === 'snet-cluster')!;
    expect(rt.properties['routeTable']).toBeUndefined();
    expectLiveEqualsDesired();
    const journal = readFileSync(/Journal: (\S+)/.exec(a.out)![1]!, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(journal.filter((x) => x.t === 'done')).toHaveLength(4);
    const after = JSON.parse((await cli(['azure', 'plan', w.ws, '--json'], env)).out);
    expect(after.counts).toEqual({ Create: 0, Modify: 0, Delete: 0, NoChange: 3, Ignore: 0 });
  });

  it('never deletes a resource without its ownership tag unless --allow-unowned names it (and the plan hash covers that)', async () => {
    const w = workdir();
    ws = loadWs(w.ws);
    const env = armEnv(emu, pki, w.state);
    expect((await cli(['azure', 'apply', w.ws, '--yes'], env)).code).toBe(0);
    // Made in the portal in the same resource group: one without tags, one owned by another Junction workspace.
    const portalRt = idOf('routeTables', 'rt-portal');
    const otherRt = idOf('routeTables', 'rt-other-workspace');
    const rtBody = { location: 'westeurope', properties: { routes: [{ name: 'r', properties: { addressPrefix: '10.9.0.0/16', nextHopType: 'None' } }] } };
    expect(await portalPut(new URL(portalRt, 'https://x').pathname, rtBody)).toBe(201);
    expect(await portalPut(new URL(otherRt, 'https://x').pathname, { ...rtBody, tags: { 'junction-owned': 'Another workspace' } })).toBe(201);
    // Neither is in the workspace; the owned rt-cluster leaves it.
    editWorkspace(w.ws, dropRouteTable);
    const p = JSON.parse((await cli(['azure', 'plan', w.ws, '--json'], env)).out) as { counts: Record<string, number>; steps: { action: string; name: string }[] };
    expect(p.steps.filter((x) => x.action === 'Delete').map((x) => x.name)).toEqual(['rt-cluster']);
    expect(p.steps.map((x) => x.name)).not.toContain('rt-portal');
    expect(p.steps.map((x) => x.name)).not.toContain('rt-other-workspace');
    const from = emu.requests.length;
    const a = await cli(['azure', 'apply', w.ws, '--yes'], env);
    expect(a.code, a.out + a.err).toBe(0);
    expect(emu.requests.slice(from).filter((q) => q.method === 'DELETE').map((q) => q.path.toLowerCase())).toEqual([idOf('routeTables', 'rt-cluster').toLowerCase()]);
    expect(emu.get(idOf('routeTables', 'rt-cluster'))).toBeUndefined();
    expect(emu.get(portalRt)).toBeDefined();
    expect(emu.get(otherRt)).toBeDefined();
    expect((await cli(['azure', 'apply', w.ws, '--yes'], env)).out).toContain('Nothing to apply.');

    // Named with --allow-unowned, the untagged one is planned as a Delete; the other workspace's table still is not.
    const shown = await cli(['azure', 'plan', w.ws, '--allow-unowned', 'rt-portal'], env);
    expect(shown.out).toMatch(/- Delete\s+routeTable\s+rt-portal/);
    expect(shown.out).not.toContain('rt-other-workspace');
    expect(shown.out).toMatch(/Plan: 0 to create, 0 to modify, 1 to delete/);
    const hash = /--plan ([0-9a-f]{16})/.exec(shown.out)![1]!;
    // That hash is the plan with the allowance: without --allow-unowned the plan differs and nothing is deleted.
    const before = emu.requests.length;
    const without = await cli(['azure', 'apply', w.ws, '--plan', hash], env);
    expect(without.code).toBe(1);
    expect(without.err).toMatch(/no longer the one with hash .*nothing to apply now\. Nothing was changed/);
    expect(emu.requests.slice(before).filter((q) => q.method === 'PUT' || q.method === 'DELETE')).toEqual([]);
    expect(emu.get(portalRt)).toBeDefined();
    const ok = await cli(['azure', 'apply', w.ws, '--plan', hash, '--allow-unowned', 'rt-portal'], env);
    expect(ok.code, ok.out + ok.err).toBe(0);
    expect(emu.requests.slice(before).filter((q) => q.method === 'DELETE').map((q) => [q.path.toLowerCase(), q.status])).toEqual([[portalRt.toLowerCase(), 202]]);
    expect(emu.get(portalRt)).toBeUndefined();
    expect(emu.get(otherRt)).toBeDefined();
  });
});
