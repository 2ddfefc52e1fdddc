import { mkdtempSync, copyFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../../electron/cli/main';
import type { CliIo } from '../../electron/cli/io';
import type { ArmEmulator } from './emulator/server';
import type { TestPki } from './emulator/certs';

export const EXAMPLE = fileURLToPath(new URL('../../examples/contoso-hybrid.junction.json', import.meta.url));
export const PSK = 'test-psk-value-1234';

export function workdir(): { dir: string; ws: string; state: string } {
  const dir = mkdtempSync(join(tmpdir(), 'junction-azure-'));
  const ws = join(dir, 'ws.junction.json');
  copyFileSync(EXAMPLE, ws);
  return { dir, ws, state: join(dir, 'state') };
}

export function armEnv(emu: ArmEmulator, pki: TestPki, state: string): Record<string, string> {
  return {
    JUNCTION_ARM_ENDPOINT: emu.base,
    JUNCTION_CA_FILE: pki.caFile,
    JUNCTION_AZURE_METHOD: 'certificate',
    AZURE_TENANT_ID: 'contoso-tenant',
    AZURE_CLIENT_ID: '11111111-2222-3333-4444-555555555555',
    AZURE_CLIENT_CERTIFICATE_PATH: pki.clientPemFile,
    JUNCTION_STATE_DIR: state,
    JUNCTION_AZURE_POLL_MS: '10',
    JUNCTION_AZURE_RETRY_MS: '50',
    JUNCTION_SECRET_CONTOSO_S2S_PSK: PSK,
  };
}

export async function cli(
  args: string[],
  env: Record<string, string>,
  cwd = tmpdir(),
): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => void (out += t), err: (t) => void (err += t), cwd, env, isTTY: false };
  const code = await runCli(args, io);
  return { code, out, err };
}

/** The Apply screen's connection: the emulator's ARM endpoint, the test service principal's certificate, the CA. */
export function emulatorConnection(emu: ArmEmulator, pki: TestPki, stateDir: string, armEndpoint = emu.base) {
  return {
    cloud: 'custom' as const,
    armEndpoint,
    method: 'certificate' as const,
    tenantId: 'contoso-tenant',
    clientId: '11111111-2222-3333-4444-555555555555',
    certificatePath: pki.clientPemFile,
    caFile: pki.caFile,
    stateDir,
  };
}

/** A change made "in the portal": a PUT straight to the emulator, outside Junction. Resolves to the status. */
export function portalPut(emu: ArmEmulator, pki: TestPki, path: string, body: unknown): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${emu.base}${path}?api-version=2025-05-01`,
      {
        method: 'PUT',
        ca: pki.caPem,
        headers: { authorization: `Bearer ${emu.token}`, 'content-type': 'application/json' },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}
