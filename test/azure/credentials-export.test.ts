// Sign-in flows against a local token endpoint, Azure Stack-style endpoint discovery, and the exports checked
// with independent tools (shellcheck, bash -n, the SDK's own api-version).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ArmEmulator } from './emulator/server';
import { makePki, type TestPki } from './emulator/certs';
import { cli, workdir } from './helpers';
import { makeCredential, fetchJson, type ConnectionSettings } from '../../electron/azure/connection';
import { discoverCloud } from '../../electron/azure/clouds';

let pki: TestPki;
let emu: ArmEmulator;
beforeAll(async () => {
  pki = makePki();
  emu = new ArmEmulator({ key: pki.serverKey, cert: pki.serverCert });
  await emu.start();
});
afterAll(async () => emu.stop());

const settings = (over: Partial<ConnectionSettings>): ConnectionSettings => ({
  armEndpoint: emu.base, authorityHost: emu.base, scope: `${emu.base}/.default`, method: 'device-code', tenantId: 'contoso-tenant',
  clientId: '04b07795-8ddb-461a-bbee-02f9e1bf7b46', caPem: pki.caPem, disableInstanceDiscovery: true,
  retry: { maxRetries: 1, retryDelayInMs: 20, maxRetryDelayInMs: 50 }, pollIntervalMs: 10, ...over,
});

describe('sign-in against a local HTTPS token endpoint', () => {
  it('discovers login endpoint and audience from <arm>/metadata/endpoints', async () => {
    const c = await discoverCloud(emu.base, (u) => fetchJson(settings({}), u));
    expect(c).toMatchObject({ armEndpoint: emu.base, authorityHost: emu.base, scope: `${emu.base}/.default` });
  });

  it('device code: shows the code and returns the token', async () => {
    const prompts: string[] = [];
    const cred = await makeCredential(settings({ method: 'device-code' }), (i) => prompts.push(i.message));
    const tok = await cred.getToken(`${emu.base}/.default`);
    expect(tok?.token).toBe(emu.token);
    expect(prompts.join()).toContain('JUNC-TION');
    expect(emu.tokenGrants.some((g) => g.includes('device_code'))).toBe(true);
  }, 20_000);

  it('client certificate from a PFX (converted in memory) signs a client assertion', async () => {
    const cred = await makeCredential(settings({ method: 'certificate', certificatePath: pki.clientPfxFile, certificatePassword: pki.clientPfxPassword }), () => undefined);
    expect((await cred.getToken(`${emu.base}/.default`))?.token).toBe(emu.token);
    expect(emu.tokenGrants).toContain('client_credentials');
  });

  it('without the extra CA the TLS handshake is refused (the CA option is what makes it work)', async () => {
    const cred = await makeCredential(settings({ method: 'certificate', certificatePath: pki.clientPemFile, caPem: undefined }), () => undefined);
    await expect(cred.getToken(`${emu.base}/.default`)).rejects.toThrow();
  });

  it('CLI login refuses the browser method and reports success without printing the token', async () => {
    const env = { JUNCTION_ARM_ENDPOINT: emu.base, JUNCTION_CA_FILE: pki.caFile, AZURE_TENANT_ID: 't', AZURE_CLIENT_ID: 'c', AZURE_CLIENT_CERTIFICATE_PATH: pki.clientPemFile };
    const b = await cli(['azure', 'login', '--method', 'browser'], env);
    expect(b.code).toBe(2);
    expect(b.err).toMatch(/only in the desktop app/);
    const ok = await cli(['azure', 'login', '--method', 'certificate'], env);
    expect(ok.code, ok.err).toBe(0);
    expect(ok.out).toMatch(/Signed in with certificate/);
    expect(ok.out + ok.err).not.toContain(emu.token);
  });
});

describe('export', () => {
  it('ARM template uses the api-version @azure/arm-network speaks and Microsoft.Network types', async () => {
    const w = workdir();
    const r = await cli(['azure', 'export', w.ws, '--format', 'arm'], {});
    expect(r.code, r.err).toBe(0);
    const t = JSON.parse(r.out);
    const sdk = readFileSync(join(process.cwd(), 'node_modules/@azure/arm-network/dist/esm/models/parameters.js'), 'utf8');
    const sdkVersion = /defaultValue: "(\d{4}-\d{2}-\d{2})"/.exec(sdk.slice(sdk.indexOf('apiVersion')))![1];
    expect(t.resources.map((x: { apiVersion: string }) => x.apiVersion)).toEqual(Array(6).fill(sdkVersion));
    expect(t.resources.map((x: { type: string }) => x.type).sort()).toEqual(
      ['Microsoft.Network/connections', 'Microsoft.Network/localNetworkGateways', 'Microsoft.Network/networkSecurityGroups', 'Microsoft.Network/networkSecurityGroups', 'Microsoft.Network/routeTables', 'Microsoft.Network/virtualNetworks'],
    );
    const vnet = t.resources.find((x: { type: string }) => x.type.endsWith('virtualNetworks'));
    expect(vnet.dependsOn).toContain("[resourceId('Microsoft.Network/networkSecurityGroups', 'nsg-cluster')]");
    const conn = t.resources.find((x: { type: string }) => x.type.endsWith('connections'));
    expect(conn.properties.sharedKey).toBe("[parameters('contosoS2sPsk')]");
    expect(t.parameters.contosoS2sPsk.type).toBe('securestring');
  });

  it('Azure CLI script passes bash -n and shellcheck and never embeds the secret', async () => {
    const w = workdir();
    const out = join(w.dir, 'apply.sh');
    const r = await cli(['azure', 'export', w.ws, '--format', 'cli', '--out', out], { JUNCTION_SECRET_CONTOSO_S2S_PSK: 'must-not-appear' });
    expect(r.code, r.err).toBe(0);
    execFileSync('bash', ['-n', out]);
    execFileSync('shellcheck', ['-s', 'bash', out]);
    const text = readFileSync(out, 'utf8');
    expect(text).not.toContain('must-not-appear');
    // The key goes into the request body file through printf (a builtin), never onto az's command line.
    expect(text).toContain('json_string "$JUNCTION_SECRET_CONTOSO_S2S_PSK"');
    expect(text).not.toMatch(/--shared-key/);
    expect(text).toMatch(/az rest --method put --url "\$id\?api-version=\$API_VERSION" --body "@\$f"/);
    expect(text).toMatch(/"name":"AllowAzureStorage".*"destinationPortRange":"443"/);
  });
});
