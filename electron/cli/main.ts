// The `junction` CLI: one front door to the same host services the desktop app and the web host use.
import type { CliIo, Command } from './io';
import { CliError } from './io';
import { COMMANDS } from './commands';
import { JUNCTION_VERSION } from '../services/version';
import { UnsafeWorkspaceError } from '../../shared/generate/escape';

function help(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'junction — model, lint, generate and bundle hybrid HPC/Azure network changes, offline.',
    '',
    'Usage: junction <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'junction <command> --help   details of one command',
    'junction --version          the version',
    '',
  ].join('\n');
}

export async function runCli(
  argv: string[],
  io: CliIo,
  commands: readonly Command[] = COMMANDS,
): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? commands.find((c) => c.name === rest[0]) : undefined;
    io.out(topic ? topic.usage + '\n' : help(commands));
    return 0;
  }
  if (name === '--version' || name === '-v') {
    io.out(`${JUNCTION_VERSION}\n`);
    return 0;
  }
  const cmd = commands.find((c) => c.name === name);
  if (!cmd) {
    io.err(`junction: unknown command "${name}"\n  fix: run \`junction --help\` for the list of commands\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(cmd.usage + '\n');
    return 0;
  }
  try {
    return await cmd.run(rest, io);
  } catch (e) {
    if (e instanceof CliError) {
      io.err(`junction ${cmd.name}: ${e.message}\n${e.fix ? `  fix: ${e.fix}\n` : ''}`);
      return e.exitCode;
    }
    if (e instanceof UnsafeWorkspaceError) {
      // Raised by the generators under any command that generates (bundle build included, lint override or not).
      io.err(`junction ${cmd.name}: ${e.message}\n${e.findings.map((f) => `  fix (${f.ruleId ?? 'name'}): ${f.fix}\n`).join('')}`);
      return 2;
    }
    const code = (e as { code?: string }).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
      io.err(`junction ${cmd.name}: ${(e as Error).message}\n  fix: see \`junction ${cmd.name} --help\`\n`);
      return 2;
    }
    // A bug, not bad input: say so plainly; the stack only on request.
    io.err(
      `junction ${cmd.name}: internal error: ${(e as Error)?.message ?? String(e)}\n  fix: rerun with JUNCTION_DEBUG=1 and report the output\n`,
    );
    if (io.env['JUNCTION_DEBUG']) io.err(`${(e as Error)?.stack ?? ''}\n`);
    return 70;
  }
}

/**
 * stdout and stderr usually share one terminal: a note on stderr written while stdout's last line is still open
 * would be glued to it ("…not in the modelnote: …"). Whichever stream writes, it starts on a fresh line when the
 * other left one open. A '\r' counts as closed: progress lines overwrite themselves on purpose.
 */
export function lineSafeWriters(out: (t: string) => void, err: (t: string) => void): Pick<CliIo, 'out' | 'err'> {
  let open: 'out' | 'err' | undefined;
  const writer = (me: 'out' | 'err', write: (t: string) => void) => (t: string) => {
    if (t === '') return;
    write(open !== undefined && open !== me ? `\n${t}` : t);
    open = /[\n\r]$/.test(t) ? undefined : me;
  };
  return { out: writer('out', out), err: writer('err', err) };
}

export function processIo(): CliIo {
  return {
    ...lineSafeWriters(
      (t) => void process.stdout.write(t),
      (t) => void process.stderr.write(t),
    ),
    cwd: process.cwd(),
    env: process.env,
    isTTY: process.stdout.isTTY === true,
  };
}
