// `junction azure plan` says which flows the change opens or closes, against the workspace the last completed apply
// put in place (issue 20), with a local HTTPS ARM emulator standing in for Azure.
import { describe, it, expect, beforeAll, beforeEach, afterEach } from 'vitest';
import { readFileSync, writeFileSync, statSync } from 'node:fs';
import { ArmEmulator } from './emulator/server';
import { makePki, type TestPki } from './emulator/certs';
import { armEnv, cli, workdir } from './helpers';
import { appliedPath } from '../../electron/azure/applied';

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

type Rule = Record<string, unknown>;
function openCycleCloudToInternet(file: string): void {
  const doc = JSON.parse(readFileSync(file, 'utf8'));
  const nsg = doc.azure.nsgs.find((n: { id: string }) => n.id === 'nsg-cyclecloud') as { rules: Rule[] };
  nsg.rules.push({ name: 'AllowHttpsOut', priority: 300, direction: 'Outbound', access: 'Allow', protocol: 'Tcp', destinationPrefixes: ['Internet'], destinationPorts: ['443'] });
  writeFileSync(file, JSON.stringify(doc, null, 2));
}

describe('azure plan: flows this change opens or closes', () => {
  it('says in one line that nothing was applied yet, then after an apply names the flow an edit opens', async () => {
    const w = workdir();
    const env = armEnv(emu, pki, w.state);
    const first = await cli(['azure', 'plan', w.ws], env);
    expect(first.code, first.err).toBe(0);
    const none = first.out.split('\n').filter((l) => l.startsWith('Flows this change opens or closes'));
    expect(none).toEqual([expect.stringMatching(/^Flows this change opens or closes: not known, no earlier apply of ".+" is recorded in /)]);
    expect(JSON.parse((await cli(['azure', 'plan', w.ws, '--json'], env)).out).reach).toEqual({ known: false, reason: expect.stringMatching(/^no earlier apply/) });

    expect((await cli(['azure', 'apply', w.ws, '--yes'], env)).code).toBe(0);
    expect(statSync(appliedPath(w.state, 'Contoso hybrid HPC')).mode & 0o777).toBe(0o600);

    const same = await cli(['azure', 'plan', w.ws], env);
    expect(same.out).toMatch(/^Flows this change opens or closes \(against the workspace as last applied, \d{4}-\d\d-\d\dT[\d:.]+Z\): none of \d+ flows changes its verdict\.$/m);

    openCycleCloudToInternet(w.ws);
    const edited = await cli(['azure', 'plan', w.ws], env);
    expect(edited.code, edited.err).toBe(0);
    expect(edited.out).toMatch(/~ Modify\s+nsg\s+nsg-cyclecloud/);
    const section = edited.out.slice(edited.out.indexOf('Flows this change opens or closes'));
    expect(section).toMatch(/^reachability: 1 opened, 0 closed, 0 changed/m);
    expect(section).toMatch(/^ {2}\+ snet-cyclecloud → Internet TCP 443: blocked → reachable {2}\[.*NSG rule nsg-cyclecloud\/AllowHttpsOut.*\]$/m);
    expect(section).toMatch(/decided in NEW by NSG rule nsg-cyclecloud\/AllowHttpsOut at \$\.azure\.nsgs\[\d+\]\.rules\[\d+\]/);
    const j = JSON.parse((await cli(['azure', 'plan', w.ws, '--json'], env)).out);
    expect(j.reach.known).toBe(true);
    expect(j.reach.opened.map((c: { flow: { description: string } }) => c.flow.description)).toContain('snet-cyclecloud → Internet TCP 443');
    expect(j.reach.closed).toEqual([]);

    // Offline, against the snapshot, the section is the same: it depends on the recorded workspace, not on ARM.
    const off = await cli(['azure', 'plan', w.ws, '--offline'], env);
    expect(off.out).toContain('+ snet-cyclecloud → Internet TCP 443: blocked → reachable');

    // Once applied, the edited workspace is the new baseline.
    expect((await cli(['azure', 'apply', w.ws, '--yes'], env)).code).toBe(0);
    expect((await cli(['azure', 'plan', w.ws], env)).out).toMatch(/none of \d+ flows changes its verdict/);
  }, 60_000);
});
