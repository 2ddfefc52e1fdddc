// PFX passwords come from a file or from JUNCTION_PFX_PASSWORD, never from the command line (where they would
// land in shell history and the process list) and never echoed back.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { PkiError } from '../../shared/pki/errors';

export const PASSWORD_ENV = 'JUNCTION_PFX_PASSWORD';

export interface PasswordSource {
  file?: string;
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  /** What the password is for, to name it in errors ("the new PFX", "the issuer PFX"). */
  what: string;
  /** Whether an unset password is an error or simply "no password" (inspecting a .cer). */
  required: boolean;
  /** Name of the environment variable to fall back to; undefined to use the file only. */
  envName?: string;
}

export async function readPassword(src: PasswordSource): Promise<string | undefined> {
  if (src.file !== undefined) {
    let text: string;
    try {
      text = await readFile(resolve(src.cwd, src.file), 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new PkiError('bad-option', `cannot read the password file ${src.file} for ${src.what}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (e as Error).message}`, 'create it with the password on one line (chmod 600), or use JUNCTION_PFX_PASSWORD');
    }
    // Editors add one final newline; anything else is part of the password.
    const pw = text.replace(/\r?\n$/, '');
    if (pw.length === 0) throw new PkiError('bad-option', `the password file ${src.file} is empty`, 'write the password on its first line');
    return pw;
  }
  const envName = src.envName;
  const fromEnv = envName ? src.env[envName] : undefined;
  if (fromEnv !== undefined && fromEnv.length > 0) return fromEnv;
  if (src.required) throw new PkiError('password-required', `${src.what} needs a password`, `pass --password-file FILE (one line, chmod 600) or set ${PASSWORD_ENV}`);
  return undefined;
}
