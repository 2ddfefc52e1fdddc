// Live VPN status against the HTTPS ARM emulator: the real SDK reads connections and the getBgpPeerStatus LRO,
// the comparison with the model gives verdicts, the CLI exits by them and the health history gets the records.
import { describe, it, expect, beforeAll, beforeEach, afterEach } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { ArmEmulator, type BgpPeer } from './emulator/server';
import { makePki, type TestPki } from './emulator/certs';
import { armEnv, cli, workdir } from './helpers';
import { loadWorkspace } from '../../shared/model/load';
import { compareStatus, expectedConnections, type ExpectedConnection, type Observation, type ObservedConnection } from '../../shared/azure/status';
import { readHistory, seriesFor } from '../../electron/health/history';

let pki: TestPki;
let emu: ArmEmulator;

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- parsed CLI JSON

function expectedOf(file: string): ExpectedConnection[] {
  const r = loadWorkspace(readFileSync(file, 'utf8'), file);
  if (!r.ok) throw new Error(`${file} does not load: ${JSON.stringify(r.problems)}`);
  return expectedConnections(r.workspace).expected;
}

function editWorkspace(file: string, edit: (ws: Json) => void): void {
  const ws = JSON.parse(readFileSync(file, 'utf8')) as Json;
  edit(ws);
  writeFileSync(file, JSON.stringify(ws, null, 2));
}

/** The example with BGP on the site-to-site link: on-premises peer 10.0.0.1 (ASN 65010), Azure 10.50.255.30 (65515). */
function withBgp(ws: Json): void {
  ws['azure'].connections[0].enableBgp = true;
  ws['azure'].localNetworkGateways[0].bgp = { asn: 65010, peeringAddress: '10.0.0.1' };
  ws['azure'].vpnGateways[0].bgp = { asn: 65515, peeringAddress: '10.50.255.30' };
}

/** A workdir whose workspace has been applied to the emulator (so its connection exists in "Azure"). */
async function applied(edit?: (ws: Json) => void) {
  const w = workdir();
  if (edit) editWorkspace(w.ws, edit);
  const env = armEnv(emu, pki, w.state);
  const a = await cli(['azure', 'apply', w.ws, '--yes'], env);
  expect(a.code, a.out + a.err).toBe(0);
  const [conn] = expectedOf(w.ws);
  return { ...w, env, conn: conn!, history: join(w.dir, 'ws.health.jsonl') };
}

const peer = (over: Partial<BgpPeer>): BgpPeer => ({
  localAddress: '10.50.255.30',
  neighbor: '10.0.0.1',
  asn: 65010,
  state: 'Connected',
  connectedDuration: '02:07:41',
  routesReceived: 1,
  messagesSent: 4210,
  messagesReceived: 1247,
  ...over,
});

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

describe('junction azure status against the HTTPS ARM emulator', () => {
  it('Connected with bytes → ok (exit 0, JSON carries what Azure reported); NotConnected → down; one history record per run and connection', async () => {
    const w = await applied();
    emu.setConnectionStatus(w.conn.armId, {
      connectionStatus: 'Connected',
      ingressBytesTransferred: 1_234_567,
      egressBytesTransferred: 7_654_321,
      tunnelConnectionStatus: [{ tunnel: 'vpngw-hpc_77.233.248.5', connectionStatus: 'Connected', ingressBytesTransferred: 1_234_567, egressBytesTransferred: 7_654_321, lastConnectionEstablishedUtcTime: '2025-06-01T08:00:00Z' }],
    });
    const r = await cli(['azure', 'status', w.ws, '--json'], w.env);
    expect(r.err).toBe('');
    expect(r.code, r.out).toBe(0);
    const j = JSON.parse(r.out) as Json;
    expect(j['online']).toBe(true);
    expect(j['counts']).toEqual({ ok: 1, degraded: 0, down: 0, unknown: 0, missing: 0 });
    const c = j['connections'][0];
    expect(c).toMatchObject({ id: 'cn-contoso', name: 'cn-hpc-to-contoso', verdict: 'ok', armId: w.conn.armId, expected: { enableBgp: false, onPremisesAddress: '77.233.248.5' } });
    expect(c.observed).toMatchObject({ connectionStatus: 'Connected', ingressBytesTransferred: 1_234_567, egressBytesTransferred: 7_654_321, enableBgp: false, provisioningState: 'Succeeded' });
    expect(c.observed.tunnelConnectionStatus[0]).toEqual({ tunnel: 'vpngw-hpc_77.233.248.5', connectionStatus: 'Connected', ingressBytesTransferred: 1_234_567, egressBytesTransferred: 7_654_321, lastConnectionEstablishedUtcTime: '2025-06-01T08:00:00Z' });
    expect(c.reason).toBe('Connected (in 1.2 MiB, out 7.3 MiB)');
    // BGP is off in the model and in Azure: no getBgpPeerStatus was sent.
    expect(emu.requests.filter((q) => /getBgpPeerStatus/i.test(q.path))).toHaveLength(0);
    expect(j['history']).toBe(w.history);

    emu.setConnectionStatus(w.conn.armId, { connectionStatus: 'NotConnected', tunnelConnectionStatus: [] });
    const d = await cli(['azure', 'status', w.ws], w.env);
    expect(d.code).toBe(1);
    expect(d.out).toMatch(/^down\s+cn-hpc-to-contoso\s+\(NotConnected, in 1\.2 MiB, out 7\.3 MiB\)$/m);
    expect(d.out).toContain('NotConnected: check the shared key on the on-premises device and that its public address is 77.233.248.5');
    expect(d.out).toMatch(/0 of 1 connection\(s\) ok, 1 down\./);

    const { results, skipped } = await readHistory(w.history);
    expect(skipped).toBe(0);
    expect(results).toHaveLength(2);
    const series = seriesFor(results, 'cn-contoso:azure-vpn');
    expect(series.map((x) => x.status)).toEqual(['ok', 'fail']);
    const last = series[1] as unknown as Json;
    expect(last).toMatchObject({ kind: 'azure-vpn', set: 'azure-status', target: 'vpngw-hpc<->77.233.248.5', azure: { verdict: 'down', connection: 'cn-contoso', vpnGateway: 'vpngw-hpc', localNetworkGateway: 'lng-contoso', onPremisesSite: 'contoso-dc' } });
    expect(last['message']).toMatch(/^NotConnected: check the shared key/);
    // The shared key never lands in the history.
    expect(readFileSync(w.history, 'utf8')).not.toContain(armEnv(emu, pki, '').JUNCTION_SECRET_CONTOSO_S2S_PSK);
  });

  it('Connecting → degraded naming the model\'s IKE/IPsec proposals; a fresh connection (Unknown) → unknown', async () => {
    const w = await applied();
    const u = await cli(['azure', 'status', w.ws, '--json', '--history', 'none'], w.env);
    expect(u.code).toBe(1);
    const ju = JSON.parse(u.out) as Json;
    expect(ju['connections'][0].verdict).toBe('unknown');
    expect(ju['connections'][0].observed.connectionStatus).toBe('Unknown');
    expect(ju['history']).toBeUndefined();

    emu.setConnectionStatus(w.conn.armId, { connectionStatus: 'Connecting' });
    const r = await cli(['azure', 'status', w.ws, '--json', '--history', 'none'], w.env);
    expect(r.code).toBe(1);
    const c = (JSON.parse(r.out) as Json)['connections'][0];
    expect(c.verdict).toBe('degraded');
    expect(c.reason).toContain('Connecting: IKE has not completed with 77.233.248.5');
    expect(c.reason).toContain('IKEv2, IKE AES256/SHA256/DHGroup14, IPsec AES256/SHA256/PFS2048');
  });

  it('a connection in the model that Azure does not have → missing; one history record per connection', async () => {
    const w = await applied();
    emu.setConnectionStatus(w.conn.armId, { connectionStatus: 'Connected', ingressBytesTransferred: 10, egressBytesTransferred: 20 });
    editWorkspace(w.ws, (ws) => {
      ws['azure'].localNetworkGateways.push({ ...ws['azure'].localNetworkGateways[0], id: 'lng-contoso-2', name: 'lng-contoso-bergen', gatewayIpAddress: '77.233.248.6' });
      ws['azure'].connections.push({ ...ws['azure'].connections[0], id: 'cn-contoso-2', name: 'cn-hpc-to-contoso-bergen', localNetworkGateway: 'lng-contoso-2' });
    });
    const r = await cli(['azure', 'status', w.ws, '--json'], w.env);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out) as Json;
    expect(j['connections'].map((c: Json) => [c.id, c.verdict])).toEqual([
      ['cn-contoso', 'ok'],
      ['cn-contoso-2', 'missing'],
    ]);
    expect(j['connections'][1].reason).toBe('cn-hpc-to-contoso-bergen does not exist in resource group rg-hpc-burst: run `junction azure plan` and apply to create it');
    expect(j['connections'][1].observed).toBeUndefined();
    const { results } = await readHistory(w.history);
    expect(results.map((x) => [x.id, x.status])).toEqual([
      ['cn-contoso:azure-vpn', 'ok'],
      ['cn-contoso-2:azure-vpn', 'fail'],
    ]);
    expect(new Set(results.map((x) => x.at)).size).toBe(1);
  });

  it('BGP: the gateway\'s peer status comes through the getBgpPeerStatus LRO; Connected → ok, Idle → degraded with the reason', async () => {
    const w = await applied(withBgp);
    expect(w.conn.enableBgp).toBe(true);
    emu.setConnectionStatus(w.conn.armId, { connectionStatus: 'Connected', ingressBytesTransferred: 5000, egressBytesTransferred: 6000 });
    emu.setBgpPeers(w.conn.gateway.armId, [peer({ routesReceived: 3 }), peer({ neighbor: '10.50.255.31', asn: 65515, routesReceived: 0 })]);
    const before = emu.requests.length;
    const r = await cli(['azure', 'status', w.ws, '--json'], w.env);
    expect(r.code, r.out).toBe(0);
    const c = (JSON.parse(r.out) as Json)['connections'][0];
    expect(c.verdict).toBe('ok');
    expect(c.findings.map((f: Json) => f.message)).toContain('BGP peer 10.0.0.1 Connected, 3 route(s) received');
    expect(c.observed.bgpPeers).toEqual([peer({ routesReceived: 3 }), peer({ neighbor: '10.50.255.31', asn: 65515, routesReceived: 0 })]);
    // One POST per gateway, answered 202, then polled through the Location until 200.
    const gwPath = new URL(w.conn.gateway.armId, 'https://x').pathname;
    const during = emu.requests.slice(before);
    const posts = during.filter((q) => q.method === 'POST' && q.path.startsWith('/subscriptions/')).map(({ method, path, status }) => ({ method, path, status }));
    expect(posts).toEqual([{ method: 'POST', path: `${gwPath}/getBgpPeerStatus`, status: 202 }]);
    const polls = during.filter((q) => q.method === 'GET' && /\/operationResults\//.test(q.path)).map((q) => q.status);
    expect(polls).toEqual([202, 200]);

    emu.setBgpPeers(w.conn.gateway.armId, [peer({ state: 'Idle', routesReceived: 0, connectedDuration: '00:00:00' })]);
    const d = await cli(['azure', 'status', w.ws], w.env);
    expect(d.code).toBe(1);
    expect(d.out).toMatch(/^degraded\s+cn-hpc-to-contoso/m);
    expect(d.out).toContain('BGP 10.0.0.1 (ASN 65010): Idle, 0 route(s) received');
    expect(d.out).toContain('BGP enabled in the model but the peer 10.0.0.1 is Idle: check that the on-premises device at 77.233.248.5 peers from 10.0.0.1 (ASN 65010) with 10.50.255.30 (ASN 65515)');

    // The peer the model names is not configured on the gateway at all.
    emu.setBgpPeers(w.conn.gateway.armId, [peer({ neighbor: '10.0.0.9' })]);
    const m = JSON.parse((await cli(['azure', 'status', w.ws, '--json', '--history', 'none'], w.env)).out) as Json;
    expect(m['connections'][0].reason).toBe('BGP enabled in the model but vpngw-hpc has no peer 10.0.0.1: check bgpSettings.bgpPeeringAddress on local network gateway lng-contoso-oslo');

    const { results } = await readHistory(w.history);
    expect(results.map((x) => x.status)).toEqual(['ok', 'warning']);
  });

  it('bad input exits 2; unreachable ARM gives unknown for every connection (exit 1)', async () => {
    const w = workdir();
    const env = armEnv(emu, pki, w.state);
    expect((await cli(['azure', 'status'], env)).code).toBe(2);
    const noFile = await cli(['azure', 'status', join(w.dir, 'nope.junction.json')], env);
    expect(noFile.code).toBe(2);
    editWorkspace(w.ws, (ws) => {
      ws['azure'].connections = [];
    });
    const empty = await cli(['azure', 'status', w.ws], env);
    expect(empty.code).toBe(2);
    expect(empty.err).toContain('$.azure.connections is empty');

    const w2 = workdir();
    const port = await new Promise<number>((res) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => res(p));
      });
    });
    const off = await cli(['azure', 'status', w2.ws, '--json'], { ...armEnv(emu, pki, w2.state), JUNCTION_ARM_ENDPOINT: `https://127.0.0.1:${port}` });
    expect(off.code).toBe(1);
    const j = JSON.parse(off.out) as Json;
    expect(j['online']).toBe(false);
    expect(j['connections'][0].verdict).toBe('unknown');
    expect(j['connections'][0].reason).toMatch(/ARM is unreachable \(.*ECONNREFUSED.*\): connect/);
  });
});

describe('compareStatus (pure)', () => {
  const base = (): ExpectedConnection => ({
    id: 'c1',
    name: 'conn',
    source: '$.azure.connections[0]',
    armId: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/connections/conn',
    subscriptionId: 's',
    resourceGroup: 'rg',
    gateway: { id: 'gw', name: 'gw', armId: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworkGateways/gw', subscriptionId: 's', resourceGroup: 'rg' },
    localNetworkGateway: { id: 'lng', name: 'lng', gatewayIpAddress: '203.0.113.7', addressPrefixes: ['10.0.0.0/24'], bgp: { asn: 65010, address: '10.0.0.1' } },
    onPremisesSite: 'dc',
    enableBgp: true,
    connectionProtocol: 'IKEv2',
  });
  const conn = (over: Partial<ObservedConnection>): Observation['connection'] => ({ found: true, value: { connectionStatus: 'Connected', ingressBytesTransferred: 10, egressBytesTransferred: 10, tunnelConnectionStatus: [], enableBgp: true, ...over } });
  const one = (e: ExpectedConnection, o: Observation) => compareStatus([e], new Map([[e.id, o]]))[0]!;
  const peers = (over: Record<string, unknown>) => ({ peers: [{ neighbor: '10.0.0.1', asn: 65010, state: 'Connected', routesReceived: 2, ...over }] });

  it('the worst finding decides and is the reason', () => {
    const e = base();
    expect(one(e, { connection: conn({}), bgp: peers({}) }).verdict).toBe('ok');
    const t = one(e, { connection: conn({ tunnelConnectionStatus: [{ tunnel: 't0', connectionStatus: 'Connected' }, { tunnel: 't1', connectionStatus: 'NotConnected' }] }), bgp: peers({}) });
    expect([t.verdict, t.reason]).toEqual(['degraded', expect.stringMatching(/^tunnel t1 is NotConnected/)]);
    const oneWay = one(e, { connection: conn({ ingressBytesTransferred: 0, egressBytesTransferred: 4096 }), bgp: peers({}) });
    expect(oneWay.reason).toMatch(/nothing came back from on-premises \(4\.0 KiB sent, 0 B received\)/);
    expect(one(e, { connection: conn({}), bgp: peers({ asn: 65099 }) }).reason).toBe('BGP peer 10.0.0.1 reports ASN 65099, the model says 65010: align bgp.asn on the local network gateway or the on-premises device');
    expect(one(e, { connection: conn({}), bgp: peers({ routesReceived: 0 }) }).reason).toMatch(/Connected but advertised no routes: check that the on-premises device announces 10\.0\.0\.0\/24/);
    expect(one(e, { connection: conn({}), bgp: { error: 'HTTP 500 boom' } }).verdict).toBe('unknown');
    expect(one(e, { connection: conn({ enableBgp: false }) }).reason).toMatch(/BGP enabled in the model but disabled on the connection in Azure/);
    expect(one({ ...e, enableBgp: false }, { connection: conn({ enableBgp: true }) }).verdict).toBe('degraded');
    expect(one(e, { connection: conn({ provisioningState: 'Failed' }) }).verdict).toBe('down');
    expect(one(e, { connection: { error: 'HTTP 403 AuthorizationFailed' } }).reason).toBe('cannot read conn: HTTP 403 AuthorizationFailed');
    // A down tunnel already explains an Idle peer: the reason stays the tunnel's.
    const down = one(e, { connection: conn({ connectionStatus: 'NotConnected' }), bgp: peers({ state: 'Idle' }) });
    expect([down.verdict, down.findings.length]).toEqual(['down', 1]);
    const noBgpModel = one({ ...e, localNetworkGateway: { ...e.localNetworkGateway, bgp: undefined as never } }, { connection: conn({}) });
    expect(noBgpModel.reason).toMatch(/local network gateway lng has no bgp settings/);
  });
});
