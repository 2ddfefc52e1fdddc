// ARM's write-time refusals, from the emulator (test/azure/emulator/validate.ts, written from Microsoft's docs) and as
// `junction azure apply` shows them: the resource, the property ARM names, and ARM's own message.
import { describe, it, expect, beforeAll, beforeEach, afterEach } from 'vitest';
import { request } from 'node:https';
import { readFileSync, writeFileSync } from 'node:fs';
import { ArmEmulator } from './emulator/server';
import { makePki, type TestPki } from './emulator/certs';
import { armEnv, cli, workdir } from './helpers';

let pki: TestPki;
let emu: ArmEmulator;
const RG = '/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg-hpc-burst/providers/Microsoft.Network';

function put(path: string, body: unknown): Promise<{ status: number; body: { error?: { code: string; message: string; details: unknown[] } } }> {
  return new Promise((resolve, reject) => {
    const req = request(`${emu.base}${path}?api-version=2025-05-01`, { method: 'PUT', ca: pki.caPem, headers: { authorization: `Bearer ${emu.token}`, 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : {} }));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

const rule = (name: string, priority: number, extra: Record<string, unknown> = {}) => ({
  name,
  properties: { priority, direction: 'Outbound', access: 'Allow', protocol: 'Tcp', sourceAddressPrefix: '*', sourcePortRange: '*', destinationAddressPrefix: 'Storage', destinationPortRange: '443', ...extra },
});
const nsg = (...rules: unknown[]) => ({ location: 'westeurope', properties: { securityRules: rules } });
const vnet = (...subnets: [string, string][]) => ({
  location: 'westeurope',
  properties: { addressSpace: { addressPrefixes: ['10.50.0.0/16'] }, subnets: subnets.map(([name, addressPrefix]) => ({ name, properties: { addressPrefix } })) },
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

describe('the ARM emulator refuses what ARM refuses, with ARM error bodies', () => {
  it('NSG rules: several tags in the plural field, priority, conflicts, ports; a valid NSG is stored', async () => {
    const at = `${RG}/networkSecurityGroups/nsg-x`;
    const cases: [unknown, number, string, RegExp][] = [
      [nsg(rule('Two', 100, { destinationAddressPrefix: undefined, destinationAddressPrefixes: ['Storage', 'AzureMonitor'] })), 400, 'SecurityRuleParameterContainsUnsupportedValue', /parameter DestinationAddressPrefixes for rule with Id .*\/securityRules\/Two .*Unsupported value used: Storage\./],
      [nsg(rule('Mixed', 100, { sourceAddressPrefix: undefined, sourceAddressPrefixes: ['10.1.0.0/16', 'VirtualNetwork'] })), 400, 'SecurityRuleParameterContainsUnsupportedValue', /SourceAddressPrefixes.*Unsupported value used: VirtualNetwork\./],
      [nsg(rule('Low', 99)), 400, 'SecurityRuleInvalidPriority', /Value provided: 99 Allowed range 100-4096/],
      [nsg(rule('A', 100), rule('B', 100)), 400, 'SecurityRuleConflict', /Security rule B conflicts with rule A/],
      [nsg(rule('Port', 100, { destinationPortRange: '9443-5672' })), 400, 'SecurityRuleInvalidPortRange', /Value provided: 9443-5672/],
      [nsg(rule('Bad name.', 100)), 400, 'InvalidResourceName', /Resource name Bad name\. is invalid/],
    ];
    for (const [body, status, code, message] of cases) {
      const r = await put(at, body);
      expect(r.status, code).toBe(status);
      expect(r.body.error).toEqual({ code, message: expect.stringMatching(message), details: [] });
    }
    expect(emu.get(at)).toBeUndefined();
    const ok = await put(at, nsg(rule('A', 100, { destinationAddressPrefix: 'Storage.WestEurope' }), rule('B', 101, { destinationAddressPrefix: undefined, destinationAddressPrefixes: ['10.1.0.0/16', '10.2.0.4'] })));
    expect(ok.status).toBe(201);
  });

  it('subnets: smaller than /29, outside the VNet, overlapping', async () => {
    const at = `${RG}/virtualNetworks/vnet-x`;
    const r1 = await put(at, vnet(['GatewaySubnet', '10.50.255.0/30']));
    expect([r1.status, r1.body.error?.code, r1.body.error?.message]).toEqual([400, 'NetcfgInvalidSubnet', "Subnet 'GatewaySubnet' is not valid in virtual network 'vnet-x'."]);
    const r2 = await put(at, vnet(['a', '10.60.0.0/24']));
    expect(r2.body.error?.code).toBe('NetcfgSubnetRangeOutsideVnet');
    const r3 = await put(at, vnet(['a', '10.50.0.0/24'], ['b', '10.50.0.128/25']));
    expect([r3.body.error?.code, r3.body.error?.message]).toEqual(['NetcfgSubnetRangesOverlap', "Subnet 'b' is not valid because its IP address range overlaps with that of an existing subnet in virtual network 'vnet-x'."]);
    expect((await put(at, vnet(['a', '10.50.0.0/24'], ['GatewaySubnet', '10.50.255.0/29']))).status).toBe(201);
  });

  it('a VPN gateway needs the GatewaySubnet it refers to', async () => {
    await put(`${RG}/virtualNetworks/vnet-x`, vnet(['snet-gateway', '10.50.255.0/27']));
    const gw = { location: 'westeurope', properties: { gatewayType: 'Vpn', vpnType: 'RouteBased', ipConfigurations: [{ name: 'default', properties: { subnet: { id: `${RG}/virtualNetworks/vnet-x/subnets/GatewaySubnet` } } }] } };
    const r = await put(`${RG}/virtualNetworkGateways/gw-x`, gw);
    expect(r.body.error?.code).toBe('InvalidResourceReference');
    expect(r.body.error?.message).toMatch(/subnets\/GatewaySubnet referenced by resource .*virtualNetworkGateways\/gw-x was not found/);
  });
});

describe('azure apply surfaces an ARM refusal', () => {
  it('names the resource, the workspace place, the property ARM objects to and ARM’s message; nothing after it is sent', async () => {
    const w = workdir();
    const doc = JSON.parse(readFileSync(w.ws, 'utf8'));
    doc.azure.nsgs[0].rules[0].destinationPrefixes = ['Storage', 'AzureMonitor']; // lint: AZ006
    writeFileSync(w.ws, JSON.stringify(doc, null, 2));
    const env = armEnv(emu, pki, w.state);
    const a = await cli(['azure', 'apply', w.ws, '--yes'], env);
    expect(a.code).not.toBe(0);
    const all = a.out + a.err;
    expect(all).toMatch(/Apply stopped at Create nsg nsg-cyclecloud: SecurityRuleParameterContainsUnsupportedValue/);
    expect(all).toMatch(/Security rule parameter DestinationAddressPrefixes for rule with Id \S+\/securityRules\/AllowAzureStorage cannot specify existing VIRTUALNETWORK, INTERNET, AZURELOADBALANCER, '\*' or system tags\. Unsupported value used: Storage\./);
    expect(all).toMatch(/\$\.azure\.nsgs\[0\]\.rules\[0\]\.destinationPrefixes/);
    expect(all).not.toMatch(/at .*\.ts:\d+/); // no stack trace
    // Nothing was stored for the refused NSG, and nothing that needs it (the VNet, then the connection) was sent.
    expect(emu.appliedPuts.some((id) => id.endsWith('/nsg-cyclecloud'))).toBe(false);
    expect(emu.appliedPuts.some((id) => /virtualnetworks|connections/.test(id))).toBe(false);
    expect(emu.requests.filter((q) => q.method === 'PUT' && q.status === 400)).toHaveLength(1);
  });
});
