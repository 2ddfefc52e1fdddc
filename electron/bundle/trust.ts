// Pinned signer keys: a JSON file in the state directory. A bundle verifies only if its signer's fingerprint is
// pinned here or trusted explicitly for this run; pinning is always an explicit admin action.
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../services/atomic-write';

export const TRUST_FILE = 'trusted-signers.json';

const TrustStoreSchema = z.object({
  version: z.literal(1),
  signers: z.array(
    z.object({
      fingerprint: z.string().regex(/^[0-9a-f]{64}$/),
      subject: z.string().optional(),
      pinnedAt: z.string(),
      note: z.string().optional(),
    }),
  ),
});
export type TrustStore = z.infer<typeof TrustStoreSchema>;

export class TrustStoreError extends Error {
  constructor(
    message: string,
    readonly fix: string,
  ) {
    super(message);
  }
}

/** --state-dir, else JUNCTION_STATE_DIR, else the per-user config folder. */
export function resolveStateDir(flag: string | undefined, env: Readonly<Record<string, string | undefined>>): string {
  if (flag) return flag;
  if (env['JUNCTION_STATE_DIR']) return env['JUNCTION_STATE_DIR'];
  if (process.platform === 'win32' && env['APPDATA']) return join(env['APPDATA'], 'Junction');
  return join(env['XDG_CONFIG_HOME'] || join(homedir(), '.config'), 'junction');
}

export async function loadTrustStore(stateDir: string): Promise<TrustStore> {
  const file = join(stateDir, TRUST_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, signers: [] };
    throw new TrustStoreError(`cannot read the trust store ${file}: ${(e as Error).message}`, 'check the permissions of the state directory');
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new TrustStoreError(`${file} is not valid JSON`, 'fix or delete the file, then pin your signers again with --trust');
  }
  const r = TrustStoreSchema.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new TrustStoreError(`${file} at ${i.path.join('.') || '(root)'}: ${i.message}`, 'fix or delete the file, then pin your signers again with --trust');
  }
  return r.data;
}

export async function pinSigner(stateDir: string, fingerprint: string, subject: string | undefined, note?: string): Promise<boolean> {
  const store = await loadTrustStore(stateDir);
  if (store.signers.some((s) => s.fingerprint === fingerprint)) return false;
  store.signers.push({ fingerprint, ...(subject ? { subject } : {}), pinnedAt: new Date().toISOString(), ...(note ? { note } : {}) });
  await writeFileAtomic(join(stateDir, TRUST_FILE), JSON.stringify(store, null, 2) + '\n');
  return true;
}

export async function unpinSigner(stateDir: string, fingerprint: string): Promise<boolean> {
  const store = await loadTrustStore(stateDir);
  const signers = store.signers.filter((s) => s.fingerprint !== fingerprint);
  if (signers.length === store.signers.length) return false;
  await writeFileAtomic(join(stateDir, TRUST_FILE), JSON.stringify({ ...store, signers }, null, 2) + '\n');
  return true;
}
