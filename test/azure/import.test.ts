// azure import against the HTTPS ARM emulator through the real SDK: paged LISTs (nextLink) and a throttled LIST
// (429 + Retry-After) on the way, then `azure plan` on the result must have nothing to do.
import { describe, it, expect, beforeAll, beforeEach, afterEach } from 'vitest';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ArmEmulator } from './emulator/server';
import { makePki, type TestPki } from './emulator/certs';
import { armEnv, cli, workdir, portalPut, EXAMPLE } from './helpers';
import { loadWorkspace } from '../../shared/model/load';

const SUB = '00000000-0000-4000-8000-000000000001';
const RG = 'rg-hpc-burst';
const nsgPath = (name: string) => `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Network/networkSecurityGroups/${name}`;
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

const counts = (out: string) => /Plan: (\d+) to create, (\d+) to modify, (\d+) to delete, (\d+) unchanged/.exec(out)?.slice(1).map(Number);

describe('junction azure import', () => {
  it('imports a subscription into a new workspace (paged and throttled LISTs); plan then has no changes', async () => {
    const w = workdir();
    const env = armEnv(emu, pki, w.state);
    expect((await cli(['azure', 'apply', w.ws, '--yes'], env)).code).toBe(0);
    const liveCount = emu.resources.size;
    const from = emu.requests.length;
    emu.pageSize = 1;
    emu.faults.push({ kind: '429', method: 'GET', match: /networkSecurityGroups$/, times: 1 });
    const target = join(w.dir, 'imported.junction.json');
    const r = await cli(['azure', 'import', target, '--subscription', SUB, '--resource-group', RG, '--json'], env);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out);
    expect(report.created).toBe(true);
    expect(report.plan.steps, JSON.stringify(report.plan.steps) + JSON.stringify(report.notes)).toEqual([]);
    expect(report.plan.counts).toMatchObject({ Create: 0, Modify: 0, Delete: 0, Ignore: 0 });
    // Paged: some LIST followed a nextLink; throttled: the 429 was answered and the same LIST retried.
    expect(emu.requests.some((q) => q.method === 'GET' && q.status === 200 && /networkSecurityGroups$/.test(q.path))).toBe(true);
    const throttled = emu.requests.filter((q) => q.status === 429);
    expect(throttled).toHaveLength(1);
    // The retry waited for Retry-After (2 s) before asking again.
    const retry = emu.requests.find((q) => q.at > throttled[0]!.at && q.path === throttled[0]!.path);
    expect(retry!.at - throttled[0]!.at).toBeGreaterThanOrEqual(1900);
    // One page per resource of each kind: every LIST of the import followed its nextLinks to the end.
    const during = emu.requests.slice(from).filter((q) => q.method === 'GET' && q.status === 200);
    for (const type of ['networkSecurityGroups', 'routeTables', 'virtualNetworks', 'localNetworkGateways', 'connections']) {
      const n = [...emu.resources.keys()].filter((k) => k.includes(`/${type.toLowerCase()}/`) && k.split('/').length === 9).length;
      expect(n, type).toBeGreaterThan(0);
      expect(during.filter((q) => q.path.endsWith(`/${type}`)).length, type).toBe(n);
    }
    expect([...emu.resources.keys()].filter((k) => k.includes('/networksecuritygroups/')).length).toBeGreaterThan(1);
    const text = readFileSync(target, 'utf8');
    expect(text).not.toContain('test-psk-value');
    const loaded = loadWorkspace(text, target);
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    expect(loaded.workspace.name).toBe('Contoso hybrid HPC');
    expect(loaded.workspace.azure.connections[0]?.sharedKeyRef).toBeDefined();
    expect(loaded.workspace.secrets.map((s) => s.name)).toContain(loaded.workspace.azure.connections[0]!.sharedKeyRef);
    expect(liveCount).toBeGreaterThan(3);

    // The independent check: plan, as the admin runs it.
    emu.pageSize = undefined;
    const plan = await cli(['azure', 'plan', target], env);
    expect(plan.code).toBe(0);
    expect(counts(plan.out)?.slice(0, 3)).toEqual([0, 0, 0]);
    expect(counts(plan.out)?.[3]).toBeGreaterThan(0);

    // Deterministic: importing again changes nothing in the file.
    const again = await cli(['azure', 'import', target, '--subscription', SUB, '--resource-group', RG, '--json'], env);
    expect(JSON.parse(again.out).written).toBe(false);
    expect(readFileSync(target, 'utf8')).toBe(text);
  }, 30_000);

  it('merges into the example: hand-written fields and layout kept, a portal change folded in, plan clean', async () => {
    const w = workdir();
    const env = armEnv(emu, pki, w.state);
    expect((await cli(['azure', 'apply', w.ws, '--yes'], env)).code).toBe(0);
    const nsg = emu.get(nsgPath('nsg-cluster')) ?? emu.get(nsgPath([...emu.resources.values()].map((s) => String(s.body['name'])).find((n) => n.startsWith('nsg'))!));
    expect(nsg).toBeDefined();
    const name = String(nsg!['name']);
    const props = nsg!['properties'] as { securityRules: { name: string; properties: Record<string, unknown> }[] };
    const rule = props.securityRules[0]!;
    // "In the portal": a rule's destination port changes.
    const changed = { ...nsg, properties: { securityRules: props.securityRules.map((x) => (x === rule ? { name: x.name, properties: { ...x.properties, destinationPortRange: '8443', destinationPortRanges: [] } } : x)) } };
    expect(await portalPut(emu, pki, nsgPath(name), changed)).toBeLessThan(300);
    const before = readFileSync(w.ws, 'utf8');
    const r = await cli(['azure', 'import', w.ws, '--subscription', SUB, '--resource-group', RG], env);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(`~ nsg ${name}`);
    expect(r.out).toMatch(/0 to create, 0 to modify, 0 to delete/);
    const after = readFileSync(w.ws, 'utf8');
    // Only the changed rule's port lines differ; every other line (descriptions, hosts, layout) is as written.
    const a = new Set(before.split('\n'));
    const differing = after.split('\n').filter((l) => !a.has(l));
    expect(differing.length).toBeGreaterThan(0);
    expect(differing.length, differing.join("\n")).toBeLessThan(6);
    expect(differing.join('\n')).toContain('8443');
    expect(after).toContain(JSON.parse(before).description);
    const plan = await cli(['azure', 'plan', w.ws], env);
    expect(counts(plan.out)?.slice(0, 3)).toEqual([0, 0, 0]);
  }, 30_000);

  it('drift reports a rule changed in the portal, from the snapshot plan saved, with the command that fixes it', async () => {
    const w = workdir();
    const env = armEnv(emu, pki, w.state);
    expect((await cli(['azure', 'apply', w.ws, '--yes'], env)).code).toBe(0);
    const nsg = [...emu.resources.values()].map((x) => x.body).find((b) => String(b['type']).endsWith('networkSecurityGroups'))!;
    const name = String(nsg['name']);
    const props = nsg['properties'] as { securityRules: { name: string; properties: Record<string, unknown> }[] };
    const rule = props.securityRules[0]!;
    const changed = { ...nsg, properties: { securityRules: props.securityRules.map((x) => (x === rule ? { name: x.name, properties: { ...x.properties, destinationPortRange: '8443', destinationPortRanges: [] } } : x)) } };
    expect(await portalPut(emu, pki, nsgPath(name), changed)).toBeLessThan(300);
    const before = await cli(['drift', w.ws, '--json', '--state-dir', w.state], env);
    expect(JSON.parse(before.out).azureSnapshot).not.toBeNull(); // apply read live state too
    expect((await cli(['azure', 'plan', w.ws], env)).code).toBe(0); // reads Azure, saves the snapshot drift reads
    const d = await cli(['drift', w.ws, '--json', '--state-dir', w.state], env);
    expect(d.code).toBe(1);
    const report = JSON.parse(d.out) as { azureSnapshot: { savedAt: string }; drift: { kind: string; path: string; observed: unknown; expected: unknown; observedAt: string; fix: { text: string } }[] };
    const items = report.drift.filter((x) => x.kind === 'azure');
    expect(items).toHaveLength(1);
    const ws = loadWorkspace(readFileSync(w.ws, 'utf8'), w.ws);
    if (!ws.ok) throw new Error('example does not load');
    const i = ws.workspace.azure.nsgs.findIndex((n) => n.name === name);
    expect(items[0]).toMatchObject({
      path: `$.azure.nsgs[${i}] → properties.securityRules[${rule.name}].destinationPortRanges`,
      observed: ['8443'],
      observedAt: report.azureSnapshot.savedAt,
    });
    expect(items[0]!.fix.text).toContain('junction azure apply');
  }, 30_000);

  it('imports into a new YAML workspace, and merging into it again keeps a comment the admin added', async () => {
    const w = workdir();
    const env = armEnv(emu, pki, w.state);
    expect((await cli(['azure', 'apply', w.ws, '--yes'], env)).code).toBe(0);
    const target = join(w.dir, 'estate.junction.yaml');
    expect((await cli(['azure', 'import', target, '--subscription', SUB, '--resource-group', RG], env)).code).toBe(0);
    expect(counts((await cli(['azure', 'plan', target], env)).out)?.slice(0, 3)).toEqual([0, 0, 0]);
    writeFileSync(target, '# hand-written note\n' + readFileSync(target, 'utf8'));
    const nsg = [...emu.resources.values()].map((x) => x.body).find((b) => String(b['type']).endsWith('networkSecurityGroups'))!;
    const props = nsg['properties'] as { securityRules: { name: string; properties: Record<string, unknown> }[] };
    const changed = { ...nsg, properties: { securityRules: props.securityRules.map((x, i) => (i === 0 ? { name: x.name, properties: { ...x.properties, priority: 3999 } } : x)) } };
    expect(await portalPut(emu, pki, nsgPath(String(nsg['name'])), changed)).toBeLessThan(300);
    const r = await cli(['azure', 'import', target, '--subscription', SUB, '--resource-group', RG], env);
    expect(r.code, r.err).toBe(0);
    const text = readFileSync(target, 'utf8');
    expect(text.startsWith('# hand-written note\n')).toBe(true);
    expect(text).toContain('priority: 3999');
    expect(counts((await cli(['azure', 'plan', target], env)).out)?.slice(0, 3)).toEqual([0, 0, 0]);
  }, 30_000);

  it('init --from-azure creates the workspace from the resource group; it refuses to overwrite one', async () => {
    const w = workdir();
    const env = armEnv(emu, pki, w.state);
    expect((await cli(['azure', 'apply', w.ws, '--yes'], env)).code).toBe(0);
    const target = join(w.dir, 'fresh.junction.json');
    const r = await cli(['init', target, '--from-azure', '--subscription', SUB, '--resource-group', RG], env);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/Created .*fresh\.junction\.json/);
    expect(counts((await cli(['azure', 'plan', target], env)).out)?.slice(0, 3)).toEqual([0, 0, 0]);
    const again = await cli(['init', w.ws, '--from-azure', '--subscription', SUB, '--resource-group', RG, '--force'], env);
    expect(again.code).toBe(2);
    expect(again.err).toContain('junction azure import');
  }, 30_000);

  it('bad input: a missing resource group flag, an unknown site and a workspace that does not load write nothing', async () => {
    const w = workdir();
    const env = armEnv(emu, pki, w.state);
    const target = join(w.dir, 'new.junction.json');
    const noRg = await cli(['azure', 'import', target, '--subscription', SUB], env);
    expect(noRg.code).toBe(2);
    expect(noRg.err).toContain('--resource-group');
    expect((await cli(['azure', 'apply', w.ws, '--yes'], env)).code).toBe(0);
    const badSite = await cli(['azure', 'import', w.ws, '--subscription', SUB, '--resource-group', RG, '--site', 'nope'], env);
    expect(badSite.code).toBe(2);
    expect(badSite.err).toContain('--site nope');
    // A rule on application security groups: refused by name, nothing written.
    const asg = { location: 'westeurope', properties: { securityRules: [{ name: 'AsgRule', properties: { priority: 100, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', sourceApplicationSecurityGroups: [{ id: '/subscriptions/x/asg' }], sourcePortRange: '*', destinationAddressPrefix: '*', destinationPortRange: '443' } }] } };
    expect(await portalPut(emu, pki, nsgPath('nsg-asg'), asg)).toBeLessThan(300);
    const r0 = await cli(['azure', 'import', target, '--subscription', SUB, '--resource-group', RG], env);
    expect(r0.code).toBe(2);
    expect(r0.err).toContain('rule AsgRule uses application security groups');
    const broken = join(w.dir, 'broken.junction.json');
    copyFileSync(EXAMPLE, broken);
    const text = readFileSync(broken, 'utf8').replace('"schemaVersion": 1', '"schemaVersion": "x"');
    (await import('node:fs')).writeFileSync(broken, text);
    const r = await cli(['azure', 'import', broken, '--subscription', SUB, '--resource-group', RG], env);
    expect(r.code).toBe(2);
    expect(r.err).toContain('does not load');
    expect(readFileSync(broken, 'utf8')).toBe(text);
    expect(existsSync(target)).toBe(false);
  }, 30_000);
});
