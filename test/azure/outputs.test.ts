// The two Azure paths Junction writes for someone else to run — ARM templates and az scripts (`junction azure export`
// and the CycleCloud NSG step) — must give the same Azure state, change nothing on a second run, read only under
// --dry-run and keep secrets off every command line. The templates run through a small deployment evaluator
// (template-deploy.ts); the scripts run under bash with a stand-in `az` (fake-az.py) that makes az's REST calls
// against the emulator and records every argv.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'node:https';
import { ArmEmulator } from './emulator/server';
import { makePki, type TestPki } from './emulator/certs';
import { EXAMPLE, PSK, cli } from './helpers';
import { deployTemplate, resourceIdReferences, DeploymentError } from './template-deploy';
import { desiredResources, kindOfType, OWNER_TAG } from '../../shared/azure/desired';
import { canonical } from '../../shared/azure/canonical';
import { exportArmTemplates, exportCliScript, secretParameter } from '../../shared/azure/export';
import { loadWorkspace } from '../../shared/model/load';
import type { Workspace } from '../../shared/model/schema';
import { generateAll } from '../../shared/generate';

const FAKE_AZ = fileURLToPath(new URL('./fake-az.py', import.meta.url));
type Obj = Record<string, unknown>;

let pki: TestPki;
beforeAll(() => {
  pki = makePki();
});

const emulators: ArmEmulator[] = [];
async function emulator(): Promise<ArmEmulator> {
  const e = new ArmEmulator({ key: pki.serverKey, cert: pki.serverCert });
  await e.start();
  emulators.push(e);
  return e;
}
afterAll(async () => {
  for (const e of emulators) await e.stop();
});

function load(raw: unknown, file = 'ws.junction.json'): Workspace {
  const r = loadWorkspace(JSON.stringify(raw), file);
  if (!r.ok) throw new Error(`workspace does not load: ${JSON.stringify(r.problems.slice(0, 3))}`);
  return r.workspace;
}
const rawExample = () => JSON.parse(readFileSync(EXAMPLE, 'utf8')) as Obj & { azure: Obj; sites: Obj[]; cycleCloud: Obj[] };

/** A differently shaped estate: another group, region and owner, a gateway Junction creates, a third NSG, two cluster subnets. */
function rawEstateTwo() {
  const raw = rawExample();
  raw['name'] = 'Estate Two';
  const site = raw.sites.find((s) => s['azure'])!;
  site['azure'] = { ...(site['azure'] as Obj), subscriptionId: '00000000-0000-4000-8000-000000000002', resourceGroup: 'rg-estate-two', region: 'northeurope' };
  const az = raw.azure as { vnets: Obj[]; nsgs: Obj[]; routeTables: Obj[]; vpnGateways: Obj[]; connections: Obj[] };
  az.vnets[0]!['name'] = 'vnet-two';
  const subnets = az.vnets[0]!['subnets'] as Obj[];
  subnets.find((s) => s['id'] === 'snet-compute')!['routeTable'] = 'rt-two';
  subnets.find((s) => s['id'] === 'snet-compute')!['nsg'] = 'nsg-extra';
  subnets.find((s) => s['id'] === 'snet-compute')!['serviceEndpoints'] = ['Microsoft.Storage', 'Microsoft.KeyVault'];
  az.nsgs.push({
    id: 'nsg-extra',
    name: 'nsg-extra',
    site: site['id'],
    rules: [{ name: 'AllowSsh', priority: 300, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', sourcePrefixes: ['10.0.0.0/24', '10.0.1.0/24'], destinationPorts: ['22', '2222'], description: "admins' jump hosts" }],
  });
  az.routeTables.push({ id: 'rt-two', name: 'rt-two', site: site['id'], disableBgpRoutePropagation: true, routes: [{ name: 'to-fw', addressPrefix: '0.0.0.0/0', nextHopType: 'VirtualAppliance', nextHopIpAddress: '10.50.3.4' }] });
  az.vpnGateways[0]!['create'] = true;
  az.vpnGateways[0]!['name'] = 'vpngw-two';
  raw.cycleCloud[0]!['clusterSubnets'] = ['snet-cluster', 'snet-compute'];
  return raw;
}

interface Estate {
  name: string;
  ws: Workspace;
  sub: string;
  rg: string;
}
const estates = (): Estate[] => [
  { name: 'the example', ws: load(rawExample()), sub: '00000000-0000-4000-8000-000000000001', rg: 'rg-hpc-burst' },
  { name: 'a second estate', ws: load(rawEstateTwo()), sub: '00000000-0000-4000-8000-000000000002', rg: 'rg-estate-two' },
];
const idIn = (e: Estate, type: string, name: string) => `/subscriptions/${e.sub}/resourceGroups/${e.rg}/providers/Microsoft.Network/${type}/${name}`;

function http(emu: ArmEmulator, method: string, path: string, body?: unknown): Promise<{ status: number; body: Obj }> {
  return new Promise((resolve, reject) => {
    const req = request(`${emu.base}${path}?api-version=2025-05-01`, { method, ca: pki.caPem, headers: { authorization: `Bearer ${emu.token}`, 'content-type': 'application/json' } }, (res) => {
      let t = '';
      res.on('data', (c: Buffer) => (t += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: t ? (JSON.parse(t) as Obj) : {} }));
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}
/** A change made outside Junction (the portal), then read once so it has settled. */
async function portal(emu: ArmEmulator, path: string, body: unknown) {
  const r = await http(emu, 'PUT', path, body);
  expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
  await http(emu, 'GET', path);
}

/** The emulator's resources in canonical form (what plan compares), plus provisioning state and the write-only key. */
function state(emu: ArmEmulator): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [id, s] of [...emu.resources.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const kind = kindOfType(String(s.body['type']));
    if (!kind) continue;
    out[id] = { ...canonical(kind, s.body), state: (s.body['properties'] as Obj)['provisioningState'], ...(s.secret ? { secret: s.secret } : {}) };
  }
  return out;
}

interface Run {
  code: number;
  out: string;
  argv: string[][];
  /** Each request body file az was given: its path, mode and its folder's mode when az read it. */
  bodies: { path: string; mode: string; dir: string }[];
}
/** Runs a generated bash script with the stand-in az on PATH, pointed at the emulator (async: the emulator is in this process). */
async function runScript(text: string, emu: ArmEmulator, sub: string, args: string[] = [], env: Record<string, string> = {}): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), 'junction-az-'));
  mkdirSync(join(dir, 'bin'));
  copyFileSync(FAKE_AZ, join(dir, 'bin', 'az'));
  chmodSync(join(dir, 'bin', 'az'), 0o755);
  writeFileSync(join(dir, 'script.sh'), text, { mode: 0o700 });
  const log = join(dir, 'argv.jsonl');
  writeFileSync(log, '');
  const child = spawn('bash', [join(dir, 'script.sh'), ...args], {
    env: {
      PATH: `${join(dir, 'bin')}:${process.env['PATH']}`,
      HOME: dir,
      JUNCTION_LOG_DIR: join(dir, 'logs'),
      JUNCTION_POLL_SECONDS: '0',
      FAKE_AZ_LOG: log,
      FAKE_AZ_BASE: emu.base,
      FAKE_AZ_CA: pki.caFile,
      FAKE_AZ_TOKEN: emu.token,
      FAKE_AZ_SUB: sub,
      ...env,
    },
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const code = await new Promise<number>((res) => child.on('close', (c) => res(c ?? -1)));
  const argv = readFileSync(log, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as string[]);
  const bodies = existsSync(`${log}.bodies`) ? readFileSync(`${log}.bodies`, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Run['bodies'][number]) : [];
  return { code, out, argv, bodies };
}

const isWrite = (a: string[]) => (a[0] === 'rest' && (a[a.indexOf('--method') + 1] ?? 'get').toLowerCase() !== 'get') || (a[0] === 'network' && !['show', 'list'].includes(a[a.length - 1] ?? '') && a.includes('update'));
const writes = (r: Run) => r.argv.filter(isWrite);

/** The existing VPN gateway a connection with create: false needs: someone else's (no ownership tag). */
async function seedExistingGateway(emu: ArmEmulator, e: Estate) {
  for (const g of e.ws.azure.vpnGateways.filter((x) => !x.create)) {
    const vnet = e.ws.azure.vnets.find((v) => v.id === g.vnet)!;
    // The gateway sits in the workspace's VNet, which an earlier apply made (it carries the ownership tag).
    const gw = vnet.subnets.find((s) => s.name === 'GatewaySubnet')!;
    await portal(emu, idIn(e, 'virtualNetworks', vnet.name), {
      location: 'westeurope',
      tags: { [OWNER_TAG]: e.ws.name },
      properties: { addressSpace: { addressPrefixes: vnet.addressSpace }, subnets: [{ name: gw.name, properties: { addressPrefix: gw.prefix } }] },
    });
    await portal(emu, idIn(e, 'publicIPAddresses', 'existing-pip'), { location: 'westeurope', sku: { name: 'Standard' }, properties: { publicIPAllocationMethod: 'Static' } });
    await portal(emu, idIn(e, 'virtualNetworkGateways', g.name), {
      location: 'westeurope',
      properties: { gatewayType: 'Vpn', vpnType: 'RouteBased', sku: { name: 'VpnGw1', tier: 'VpnGw1' }, ipConfigurations: [{ name: 'default', properties: { subnet: { id: `${idIn(e, 'virtualNetworks', vnet.name)}/subnets/GatewaySubnet` }, publicIPAddress: { id: idIn(e, 'publicIPAddresses', 'existing-pip') } } }] },
    });
  }
}

/** Start state for the export proofs: an NSG Junction owns carries a rule added in the portal, which both paths remove. */
async function seedExport(emu: ArmEmulator, e: Estate) {
  await seedExistingGateway(emu, e);
  const nsg = e.ws.azure.nsgs[1]!;
  await portal(emu, idIn(e, 'networkSecurityGroups', nsg.name), {
    location: 'westeurope',
    tags: { [OWNER_TAG]: e.ws.name },
    properties: { securityRules: [{ name: 'PortalRule', properties: { priority: 3000, direction: 'Inbound', access: 'Allow', protocol: '*', sourceAddressPrefix: '*', sourcePortRange: '*', destinationAddressPrefix: '*', destinationPortRange: '8080' } }] },
  });
}

function exportTemplate(e: Estate): Obj {
  const files = exportArmTemplates(desiredResources(e.ws).resources);
  expect(files).toHaveLength(1);
  return files[0]!.template;
}
const secretParams = (e: Estate) => Object.fromEntries(e.ws.azure.connections.filter((c) => c.sharedKeyRef).map((c) => [secretParameter(c.sharedKeyRef!), PSK]));
const cliEnv = { JUNCTION_SECRET_CONTOSO_S2S_PSK: PSK };

// ---------------------------------------------------------------- resourceId audit

/** Every resourceId() resolves to a resource in the same file or to an existing resource named by a documented parameter. */
function unresolvedIds(template: Obj): string[] {
  const bad: string[] = [];
  const audit = (t: Obj, resourcesInFile: { type: string; name: string }[]) => {
    const params = (t['parameters'] ?? {}) as Record<string, { metadata?: { description?: string } }>;
    const own = ((t['resources'] ?? []) as Obj[]).filter((r) => r['type'] !== 'Microsoft.Resources/deployments');
    const nested = ((t['resources'] ?? []) as Obj[]).filter((r) => r['type'] === 'Microsoft.Resources/deployments').map((r) => (r['properties'] as Obj)['template'] as Obj);
    const shallow = { ...t, resources: own };
    for (const ref of resourceIdReferences(shallow)) {
      const viaParam = ref.names.find((n): n is { parameter: string } => 'parameter' in n);
      if (viaParam) {
        const d = params[viaParam.parameter]?.metadata?.description ?? '';
        if (!/existing/i.test(d)) bad.push(`${ref.expression}: parameter ${viaParam.parameter} does not document the existing resource it names`);
        continue;
      }
      const name = ref.names.map((n) => ('literal' in n ? n.literal : '?')).join('/');
      if (!resourcesInFile.some((r) => r.type.toLowerCase() === ref.type.toLowerCase() && r.name.toLowerCase() === name.toLowerCase())) bad.push(`${ref.expression}: ${ref.type} ${name} is neither in the template nor a parameter`);
    }
    for (const n of nested) audit(n, resourcesInFile);
  };
  const all: { type: string; name: string }[] = [];
  const collect = (t: Obj) => {
    for (const r of (t['resources'] ?? []) as Obj[]) {
      if (r['type'] === 'Microsoft.Resources/deployments') collect((r['properties'] as Obj)['template'] as Obj);
      else {
        all.push({ type: String(r['type']), name: String(r['name']) });
        // Children declared inline (a VNet's subnets) are deployed with their parent.
        for (const list of ['subnets', 'securityRules', 'routes'])
          for (const c of ((r['properties'] as Obj | undefined)?.[list] ?? []) as Obj[]) all.push({ type: `${String(r['type'])}/${list}`, name: `${String(r['name'])}/${String(c['name'])}` });
      }
    }
  };
  collect(template);
  audit(template, all);
  return bad;
}

describe('every template Junction writes', () => {
  it('resolves each resourceId() inside the template or through a documented parameter (export and CycleCloud step)', () => {
    let templates = 0;
    for (const e of estates()) {
      for (const f of exportArmTemplates(desiredResources(e.ws).resources)) {
        templates++;
        expect(unresolvedIds(f.template), `${e.name}: azure export`).toEqual([]);
      }
      for (const f of generateAll(e.ws).files.filter((x) => x.kind === 'arm-template')) {
        templates++;
        expect(unresolvedIds(JSON.parse(f.content) as Obj), `${e.name}: ${f.path}`).toEqual([]);
      }
    }
    // Every shipped example too.
    const dir = fileURLToPath(new URL('../../examples/', import.meta.url));
    for (const name of readdirSync(dir).filter((f) => f.endsWith('.junction.json'))) {
      const ws = load(JSON.parse(readFileSync(join(dir, name), 'utf8')), name);
      const { resources, problems } = desiredResources(ws);
      if (!problems.length)
        for (const f of exportArmTemplates(resources)) {
          templates++;
          expect(unresolvedIds(f.template), `${name}: azure export`).toEqual([]);
        }
      for (const f of generateAll(ws).files.filter((x) => x.kind === 'arm-template')) {
        templates++;
        expect(unresolvedIds(JSON.parse(f.content) as Obj), `${name}: ${f.path}`).toEqual([]);
      }
    }
    expect(templates).toBeGreaterThanOrEqual(6);
  });
});

// ---------------------------------------------------------------- azure export

describe('azure export: ARM template and az script give the same state', () => {
  for (const which of [0, 1]) {
    it(`for ${which === 0 ? 'the example' : 'a second, differently shaped estate'}; a second run changes nothing`, async () => {
      const e = estates()[which]!;
      const viaTemplate = await emulator();
      const viaCli = await emulator();
      await seedExport(viaTemplate, e);
      await seedExport(viaCli, e);
      const template = exportTemplate(e);
      const target = { emu: viaTemplate, pki, subscriptionId: e.sub, resourceGroup: e.rg };
      await deployTemplate(template, target, secretParams(e));
      const script = exportCliScript(desiredResources(e.ws).resources, e.ws.name);
      const first = await runScript(script, viaCli, e.sub, [], cliEnv);
      expect(first.code, first.out).toBe(0);
      expect(state(viaCli)).toEqual(state(viaTemplate));
      // Rules Junction does not own inside an NSG it owns are removed by both paths, as azure apply does.
      const nsg = viaCli.get(idIn(e, 'networkSecurityGroups', e.ws.azure.nsgs[1]!.name))!;
      expect(JSON.stringify(nsg)).not.toContain('PortalRule');
      // Every modelled resource is in place as desired.
      for (const d of desiredResources(e.ws).resources) expect(canonical(d.kind, viaCli.get(d.armId)), d.armId).toEqual(canonical(d.kind, d.body));
      const before = state(viaCli);
      const second = await runScript(script, viaCli, e.sub, [], cliEnv);
      expect(second.code, second.out).toBe(0);
      expect(writes(second), second.out).toEqual([]);
      expect(state(viaCli)).toEqual(before);
      const beforeT = state(viaTemplate);
      await deployTemplate(template, target, secretParams(e));
      expect(state(viaTemplate)).toEqual(beforeT);
      // The shared key reached Azure, and no command line ever carried it.
      const conn = e.ws.azure.connections[0]!;
      expect(viaCli.secretOf(idIn(e, 'connections', conn.name))).toEqual({ sharedKey: PSK });
      for (const a of [...first.argv, ...second.argv]) expect(a.join(' ')).not.toContain(PSK);
      // The bodies (one holds the key) were 0600 files in a 0700 folder, and are gone once the script ends.
      expect(first.bodies.length).toBeGreaterThan(0);
      for (const b of first.bodies) {
        expect([b.mode, b.dir]).toEqual(['0o600', '0o700']);
        expect(existsSync(b.path), b.path).toBe(false);
      }
    }, 120_000);
  }

  it('--dry-run issues only read commands and changes nothing; without the secret it still runs, a real run exits 2', async () => {
    const e = estates()[0]!;
    const emu = await emulator();
    await seedExport(emu, e);
    const before = state(emu);
    const script = exportCliScript(desiredResources(e.ws).resources, e.ws.name);
    const dry = await runScript(script, emu, e.sub, ['--dry-run'], cliEnv);
    expect(dry.code, dry.out).toBe(0);
    expect(dry.argv.length).toBeGreaterThan(5);
    expect(dry.argv.filter(isWrite)).toEqual([]);
    for (const a of dry.argv) expect(a[0] === 'rest' ? a[a.indexOf('--method') + 1] : a.slice(0, 2).join(' ')).toMatch(/^(get|account show)$/);
    expect(state(emu)).toEqual(before);
    expect(dry.out).toMatch(/would create/);
    const noKey = await runScript(script, emu, e.sub, []);
    expect(noKey.code, noKey.out).toBe(2);
    expect(noKey.out).toMatch(/JUNCTION_SECRET_CONTOSO_S2S_PSK/);
    expect(writes(noKey)).toEqual([]);
  }, 60_000);

  it('leaves an NSG it does not own alone in both paths (script: exit 1 naming it; template: the notOwned parameter)', async () => {
    const e = estates()[0]!;
    const a = await emulator();
    const b = await emulator();
    for (const emu of [a, b]) {
      await seedExistingGateway(emu, e);
      await portal(emu, idIn(e, 'networkSecurityGroups', 'nsg-cluster'), { location: 'westeurope', properties: { securityRules: [] } });
    }
    await deployTemplate(exportTemplate(e), { emu: a, pki, subscriptionId: e.sub, resourceGroup: e.rg }, { ...secretParams(e), notOwned: ['nsg-cluster'] });
    const r = await runScript(exportCliScript(desiredResources(e.ws).resources, e.ws.name), b, e.sub, [], cliEnv);
    expect(r.code, r.out).toBe(1);
    expect(r.out).toMatch(/nsg-cluster.*--allow-unowned nsg-cluster/s);
    expect(state(b)).toEqual(state(a));
    expect(b.get(idIn(e, 'networkSecurityGroups', 'nsg-cluster'))!['tags']).toBeUndefined();
    const taken = await runScript(exportCliScript(desiredResources(e.ws).resources, e.ws.name), b, e.sub, ['--allow-unowned', 'nsg-cluster'], cliEnv);
    expect(taken.code, taken.out).toBe(0);
    expect(b.get(idIn(e, 'networkSecurityGroups', 'nsg-cluster'))!['tags']).toEqual({ [OWNER_TAG]: e.ws.name });
  }, 60_000);

  it('passes shellcheck', () => {
    for (const e of estates()) {
      const dir = mkdtempSync(join(tmpdir(), 'junction-sc-'));
      const f = join(dir, 'export.sh');
      writeFileSync(f, exportCliScript(desiredResources(e.ws).resources, e.ws.name));
      const r = spawnSync('shellcheck', ['-s', 'bash', f], { encoding: 'utf8' });
      expect(r.status, r.stdout).toBe(0);
    }
  });

  it('a dangling route table or NSG reference stops export with a located error, never a template', async () => {
    for (const [field, value] of [
      ['routeTable', 'rt-missing'],
      ['nsg', 'nsg-missing'],
    ] as const) {
      const raw = rawExample();
      ((raw.azure['vnets'] as Obj[])[0]!['subnets'] as Obj[])[2]![field] = value;
      const dir = mkdtempSync(join(tmpdir(), 'junction-dangling-'));
      const file = join(dir, 'ws.junction.json');
      writeFileSync(file, JSON.stringify(raw));
      for (const format of ['arm', 'cli']) {
        const r = await cli(['azure', 'export', file, '--format', format], {});
        expect(r.code, r.err).toBe(2);
        expect(r.out).toBe('');
        expect(r.err).toContain(`$.azure.vnets[0].subnets[2].${field}`);
        expect(r.err).toContain(value);
      }
    }
  });
});

// ---------------------------------------------------------------- the CycleCloud NSG step

function cycleCloudFiles(e: Estate) {
  const files = generateAll(e.ws).files.filter((f) => f.path.includes('/cyclecloud/'));
  const tpl = files.find((f) => f.kind === 'arm-template')!;
  const sh = files.find((f) => f.path.endsWith('apply-nsg-rules.sh'))!;
  return { template: JSON.parse(tpl.content) as Obj, script: sh.content };
}

/**
 * Start state: the VNet and its subnets exist (someone else's), one cluster subnet already has a KeyVault service
 * endpoint, the cluster NSG (Junction's) has a rule added in the portal, and the route table does not exist yet.
 */
async function seedCycleCloud(emu: ArmEmulator, e: Estate) {
  const vnet = e.ws.azure.vnets[0]!;
  await portal(emu, idIn(e, 'virtualNetworks', vnet.name), {
    location: 'westeurope',
    properties: {
      addressSpace: { addressPrefixes: vnet.addressSpace },
      subnets: vnet.subnets.map((s) => ({ name: s.name, properties: { addressPrefix: s.prefix, ...(s.id === 'snet-cluster' ? { serviceEndpoints: [{ service: 'Microsoft.KeyVault' }] } : {}) } })),
    },
  });
  await portal(emu, idIn(e, 'networkSecurityGroups', 'nsg-cluster'), {
    location: 'westeurope',
    tags: { [OWNER_TAG]: e.ws.name },
    properties: { securityRules: [{ name: 'PortalRule', properties: { priority: 3000, direction: 'Inbound', access: 'Allow', protocol: '*', sourceAddressPrefix: '*', sourcePortRange: '*', destinationAddressPrefix: '*', destinationPortRange: '8080' } }] },
  });
}

describe('CycleCloud NSG step: template and script give the same state', () => {
  for (const which of [0, 1]) {
    it(`for ${which === 0 ? 'the example' : 'a second, differently shaped estate'}: route table attached, endpoints merged, same rules; a second run changes nothing`, async () => {
      const e = estates()[which]!;
      const { template, script } = cycleCloudFiles(e);
      const viaTemplate = await emulator();
      const viaCli = await emulator();
      await seedCycleCloud(viaTemplate, e);
      await seedCycleCloud(viaCli, e);
      const target = { emu: viaTemplate, pki, subscriptionId: e.sub, resourceGroup: e.rg };
      await deployTemplate(template, target);
      const first = await runScript(script, viaCli, e.sub);
      expect(first.code, first.out).toBe(0);
      expect(state(viaCli)).toEqual(state(viaTemplate));
      const vnet = viaCli.get(idIn(e, 'virtualNetworks', e.ws.azure.vnets[0]!.name))!;
      const subnet = (name: string) => ((vnet['properties'] as Obj)['subnets'] as Obj[]).find((s) => s['name'] === name)!['properties'] as Obj;
      const cluster = subnet('snet-cluster');
      expect((cluster['serviceEndpoints'] as Obj[]).map((x) => x['service']).sort()).toEqual(['Microsoft.KeyVault', 'Microsoft.Storage']);
      const rt = e.ws.azure.vnets[0]!.subnets.find((s) => s.id === 'snet-cluster')!.routeTable;
      expect(String((cluster['routeTable'] as Obj | undefined)?.['id'] ?? '').toLowerCase()).toBe(rt ? idIn(e, 'routeTables', rt).toLowerCase() : '');
      expect(JSON.stringify(viaCli.get(idIn(e, 'networkSecurityGroups', 'nsg-cluster')))).not.toContain('PortalRule');
      const before = state(viaCli);
      const second = await runScript(script, viaCli, e.sub);
      expect(second.code, second.out).toBe(0);
      expect(writes(second), second.out).toEqual([]);
      expect(state(viaCli)).toEqual(before);
      const beforeT = state(viaTemplate);
      await deployTemplate(template, target);
      expect(state(viaTemplate)).toEqual(beforeT);
      const dry = await runScript(script, viaCli, e.sub, ['--dry-run']);
      expect(dry.code, dry.out).toBe(0);
      expect(dry.argv.filter(isWrite)).toEqual([]);
    }, 120_000);
  }

  it('the template deploys on a subscription without the route table (it creates it)', async () => {
    const e = estates()[0]!;
    const emu = await emulator();
    await seedCycleCloud(emu, e);
    expect(emu.get(idIn(e, 'routeTables', 'rt-cluster'))).toBeUndefined();
    await expect(deployTemplate(cycleCloudFiles(e).template, { emu, pki, subscriptionId: e.sub, resourceGroup: e.rg })).resolves.toBeDefined();
    expect(emu.get(idIn(e, 'routeTables', 'rt-cluster'))).toBeDefined();
  }, 60_000);

  it('both paths stop when the VNet does not exist: the template at deployment, the script with exit 2 before any change', async () => {
    const e = estates()[0]!;
    const emu = await emulator();
    await expect(deployTemplate(cycleCloudFiles(e).template, { emu, pki, subscriptionId: e.sub, resourceGroup: e.rg })).rejects.toBeInstanceOf(DeploymentError);
    const emu2 = await emulator();
    const r = await runScript(cycleCloudFiles(e).script, emu2, e.sub);
    expect(r.code, r.out).toBe(2);
    expect(writes(r)).toEqual([]);
  }, 60_000);
});
