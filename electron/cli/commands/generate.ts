import { parseArgs } from 'node:util';
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from '../io';
import { CliError } from '../io';
import { loadOrExplain } from '../load';
import { writeFileAtomic } from '../../services/atomic-write';
import { draftSteps, generateAll, SCENARIOS, type Scenario } from '../../../shared/generate';

async function isNonEmptyDir(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).length > 0;
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return false;
    if ((e as { code?: string }).code === 'ENOTDIR') throw new CliError(`--out ${dir} is a file, not a directory`, 'give a directory path');
    throw e;
  }
}

export const generateCommand: Command = {
  name: 'generate',
  summary: 'write the per-host scripts and RUNBOOK.md for every scenario',
  usage: `junction generate <workspace> --out DIR [--host NAME] [--scenario NAME] [--force]

  Writes, for each host, the scripts to run in order (PowerShell with -WhatIf, bash with --dry-run, ARM
  templates) and DIR/RUNBOOK.md listing every step. Refuses a non-empty DIR unless --force.

  --host NAME       only this host (id or computer name)
  --scenario NAME   only ${SCENARIOS.join(', ')}
  --force           write into a non-empty DIR (files of the same name are replaced)`,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { out: { type: 'string' }, host: { type: 'string' }, scenario: { type: 'string' }, force: { type: 'boolean' } },
    });
    if (positionals.length !== 1) throw new CliError('generate takes exactly one workspace file', 'junction generate <workspace> --out DIR');
    if (!values.out) throw new CliError('--out DIR is required', 'junction generate <workspace> --out DIR');
    const scenario = values.scenario;
    if (scenario !== undefined && !SCENARIOS.includes(scenario as Scenario))
      throw new CliError(`unknown scenario "${scenario}"`, `use one of ${SCENARIOS.join(', ')}`);
    const loaded = await loadOrExplain(resolve(io.cwd, positionals[0]!), io);
    if (!loaded) return 2;
    const ws = loaded.workspace;
    if (values.host !== undefined) {
      // Anything a step runs on: a host (id or name), or a target such as a site or a CycleCloud cluster subnet,
      // exactly the names of the output folders; case-blind like Windows host names.
      const want = values.host.toLowerCase();
      const targets = [...new Set(draftSteps(ws).map((d) => d.target.id))];
      const known = targets.some((t) => t.toLowerCase() === want) || ws.hosts.some((h) => h.id.toLowerCase() === want || h.name.toLowerCase() === want);
      if (!known) throw new CliError(`no host or target "${values.host}" in the workspace`, `use a host name or one of the targets: ${targets.join(', ')}`);
    }
    const out = resolve(io.cwd, values.out);
    if (!values.force && (await isNonEmptyDir(out))) throw new CliError(`${out} is not empty`, 'choose an empty directory or pass --force');
    const result = generateAll(ws, { host: values.host, scenario: scenario as Scenario | undefined });
    for (const f of result.files) await writeFileAtomic(join(out, ...f.path.split('/')), f.content, f.kind === 'bash' ? 0o755 : 0o644);
    await writeFileAtomic(join(out, 'RUNBOOK.md'), result.runbook);
    io.out(`wrote ${result.files.length} files in ${result.steps.length} steps and RUNBOOK.md to ${out}\n`);
    return 0;
  },
};
