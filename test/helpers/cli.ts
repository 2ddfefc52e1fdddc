import { runCli } from '../../electron/cli/main';
import type { CliIo } from '../../electron/cli/io';

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/** Runs the CLI in-process with captured output. */
export async function cli(
  args: string[],
  cwd = process.cwd(),
  env: Record<string, string | undefined> = {},
): Promise<CliRun> {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => (out += t), err: (t) => (err += t), cwd, env, isTTY: false };
  const code = await runCli(args, io);
  return { code, out, err };
}
