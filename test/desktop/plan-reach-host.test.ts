// The Apply screen's plan carries "Flows this change opens or closes" (issue 20): the same section as
// `junction azure plan`, through the host's azure.plan channel, against a local HTTPS ARM emulator.
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { ArmEmulator } from '../azure/emulator/server';
import { makePki, type TestPki } from '../azure/emulator/certs';
import { EXAMPLE, PSK, emulatorConnection, workdir } from '../azure/helpers';
import { createHost, dispatch, memorySettings } from '../../electron/services/host';
import type { AzureApplyResult, AzurePlanView } from '../../shared/api/azure-api';

process.env.JUNCTION_AZURE_POLL_MS = '10';
process.env.JUNCTION_AZURE_RETRY_MS = '50';

const text = readFileSync(EXAMPLE, 'utf8');
const fileName = 'contoso-hybrid.junction.json';

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

describe('azure.plan: flows this change opens or closes', () => {
  it('not known before any apply; after one, the flow an edited NSG rule opens', async () => {
    const api = createHost({ frontDoor: 'test', settings: memorySettings() });
    const call = <T,>(channel: string, payload: unknown) => dispatch(api, channel, payload) as Promise<T>;
    const { state } = workdir();
    await call('azure.settings.update', emulatorConnection(emu, pki, state));

    const p1 = await call<AzurePlanView>('azure.plan', { fileName, text });
    expect(p1.reach?.known).toBe(false);
    expect(p1.reach?.text).toMatch(/^Flows this change opens or closes: not known, no earlier apply of "Contoso hybrid HPC" is recorded in .+\n$/);

    const a = await call<AzureApplyResult>('azure.apply', { fileName, text, planHash: p1.planHash, secrets: { 'contoso-s2s-psk': PSK } });
    expect(a.outcome).toBe('completed');

    const edited = text.replace('"access": "Deny"', '"access": "Allow"');
    const p2 = await call<AzurePlanView>('azure.plan', { fileName, text: edited });
    expect(p2.counts.Modify).toBe(1);
    expect(p2.reach?.known).toBe(true);
    expect(p2.reach?.text).toMatch(/^Flows this change opens or closes \(against the workspace as last applied, .+\):\nreachability: \d+ opened, 0 closed/);
    expect(p2.reach?.text).toContain('+ snet-cyclecloud → Internet TCP 443: blocked → reachable');
  }, 60_000);
});
