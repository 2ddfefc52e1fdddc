// `junction reach --intents` and `junction reach --diff OLD NEW` (issue 20), through the CLI as an admin runs them.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../electron/cli/main';
import type { CliIo } from '../../electron/cli/io';
import { EXAMPLE_PATH, byId, rawExample, type Raw } from '../helpers/example';
import { diffReach } from '../../shared/reach/diff';
import { load } from '../helpers/example';

const dir = mkdtempSync(join(tmpdir(), 'junction-reach-diff-'));
async function cli(args: string[]) {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => (out += t), err: (t) => (err += t), cwd: process.cwd(), env: { JUNCTION_STATE_DIR: mkdtempSync(join(dir, 'state-')) }, isTTY: false };
  const code = await runCli(args, io);
  return { code, out, err };
}
function write(name: string, raw: Raw): string {
  const p = join(dir, name);
  writeFileSync(p, JSON.stringify(raw, null, 2));
  return p;
}

const INTENTS = [
  { from: 'azure-nodes', to: 'lic01', port: 27000, expect: 'reachable', why: 'nodes must reach the license server' },
  { from: 'cc01', to: 'Internet', port: 443, expect: 'blocked', why: 'CycleCloud must never reach the Internet' },
];

describe('junction reach --intents', () => {
  it('all needed flows and intents hold on the example with two intents: exit 0', async () => {
    const raw = rawExample();
    raw.intents = INTENTS;
    const r = await cli(['reach', write('ok.junction.json', raw), '--intents']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^ok {3}intent 2: cc01 → Internet TCP 443 — blocked \(expected blocked\)$/m);
    expect(r.out).toMatch(/23 needed flows \(0 failing\), 2 intents \(0 failing\)/);
  });

  it('a change that opens the Internet to CycleCloud fails the "blocked" intent and the JSON names the rule', async () => {
    const raw = rawExample();
    raw.intents = INTENTS;
    byId<Raw>(raw.azure.nsgs, 'nsg-cyclecloud').rules.push({ name: 'AllowHttpsOut', priority: 300, direction: 'Outbound', access: 'Allow', protocol: 'Tcp', destinationPrefixes: ['Internet'], destinationPorts: ['443'] });
    const text = await cli(['reach', write('open.junction.json', raw), '--intents']);
    expect(text.code).toBe(1);
    expect(text.out).toMatch(/^FAIL intent 2: cc01 → Internet TCP 443 — reachable \(expected blocked\)$/m);
    const r = await cli(['reach', write('open.junction.json', raw), '--intents', '--json']);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out);
    expect(j.failing).toBe(1);
    const bad = j.results.filter((x: { ok: boolean }) => !x.ok);
    expect(bad).toEqual([
      expect.objectContaining({ kind: 'intent', owner: 'intent 2', path: '$.intents[1]', expect: 'blocked', verdict: 'reachable', decidedBy: expect.objectContaining({ kind: 'nsg-rule', name: 'nsg-cyclecloud/AllowHttpsOut', path: '$.azure.nsgs[0].rules[8]' }) }),
    ]);
  });

  it('a needed flow blocked by another scenario is listed with both scenarios', async () => {
    const raw = rawExample();
    byId<Raw>(raw.azure.vnets[0].subnets, 'snet-compute').nsg = 'nsg-cluster';
    const r = await cli(['reach', write('conflict.junction.json', raw), '--intents']);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/FAIL License Link "ll-flexlm": azure-nodes → Internet TCP 443 — blocked\n.*why: Azure Connect.*\n.*decided by NSG rule nsg-cluster\/BlockOutbound at \$\.azure\.nsgs\[1\]\.rules\[2\].*\n.*that element belongs to CycleCloud "cc-main"/);
  });

  it('bad input is exit 2 with the file named', async () => {
    const r = await cli(['reach', join(dir, 'missing.junction.json'), '--intents']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/missing\.junction\.json/);
  });
});

describe('junction reach --diff', () => {
  const changed = () => {
    const raw = rawExample();
    raw.intents = INTENTS;
    // Closes: CycleCloud's deny-Internet NSG lands on the License Link nodes' subnet.
    byId<Raw>(raw.azure.vnets[0].subnets, 'snet-compute').nsg = 'nsg-cluster';
    // Opens: plain HTTP from CycleCloud to the Internet.
    byId<Raw>(raw.azure.nsgs, 'nsg-cyclecloud').rules.push({ name: 'AllowWeb', priority: 300, direction: 'Outbound', access: 'Allow', protocol: 'Tcp', destinationPrefixes: ['Internet'], destinationPorts: ['80'] });
    return raw;
  };

  it('identical workspaces: nothing opened or closed, exit 0', async () => {
    const r = await cli(['reach', '--diff', EXAMPLE_PATH, EXAMPLE_PATH]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^reachability: 0 opened, 0 closed, 0 changed, (\d+) unchanged \(\1 flows\)$/m);
  });

  it('opened and closed flows, each with the element in NEW that decided it; unchanged ones counted', async () => {
    const r = await cli(['reach', '--diff', EXAMPLE_PATH, write('new.junction.json', changed())]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^ {2}\+ snet-cyclecloud → Internet TCP 80: blocked → reachable .*\n {6}decided in NEW by NSG rule nsg-cyclecloud\/AllowWeb at \$\.azure\.nsgs\[0\]\.rules\[8\]/m);
    expect(r.out).toMatch(/^ {2}- azure-nodes → lic01 TCP 27000: reachable → blocked {2}\[License Link "ll-flexlm"; intent 1\]\n {6}decided in NEW by NSG rule nsg-cluster\/BlockOutbound at \$\.azure\.nsgs\[1\]\.rules\[2\]/m);
    expect(r.out).not.toMatch(/cc01 → Storage/); // unchanged flows are not listed
  });

  it('--json carries every change with before, after and the deciding element', async () => {
    const r = await cli(['reach', '--diff', EXAMPLE_PATH, write('new.junction.json', changed()), '--json']);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out);
    expect(j.unchanged).toBeGreaterThan(10);
    expect(j.flows).toBe(j.unchanged + j.opened.length + j.closed.length + j.changed.length);
    expect(j.opened).toEqual([
      expect.objectContaining({ change: 'opened', before: 'blocked', after: 'reachable', flow: expect.objectContaining({ from: 'snet-cyclecloud', to: 'Internet', port: 80, protocol: 'Tcp' }), decidedBy: expect.objectContaining({ kind: 'nsg-rule', path: '$.azure.nsgs[0].rules[8]' }) }),
    ]);
    const tunnel = j.closed.find((c: Raw) => c.flow.to === 'Internet' && c.flow.from === 'azure-nodes');
    expect(tunnel).toMatchObject({ before: 'reachable', after: 'blocked', owners: ['License Link "ll-flexlm"'], decidedBy: { name: 'NSG rule nsg-cluster/BlockOutbound', path: '$.azure.nsgs[1].rules[2]' } });
  });

  it('a flow whose host is gone in NEW is a change, not a crash; one that reaches the same way is unchanged', () => {
    const before = load(rawExample());
    const raw = rawExample();
    raw.licenseLinks = [];
    raw.hosts = raw.hosts.filter((h: Raw) => h.id !== 'lic01');
    raw.intents = [{ from: 'azure-nodes', to: 'lic01', port: 27000, expect: 'reachable', why: 'gone' }];
    const d = diffReach(before, load(raw));
    const gone = [...d.closed, ...d.changed].find((c) => c.flow.to === 'lic01' && c.flow.port === 27000)!;
    expect(gone).toMatchObject({ before: 'reachable', after: 'unresolved' });
    expect(gone.error).toMatch(/unknown destination "lic01"/);
    expect(d.opened).toEqual([]);
  });
});
