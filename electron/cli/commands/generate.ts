import { parseArgs } from 'node:util';
import { readdir } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { Command } from '../io';
import { CliError } from '../io';
import { loadOrExplain } from '../load';
import { writeFileAtomic } from '../../services/atomic-write';
import { draftSteps, generateAll, SCENARIOS, UnsafeWorkspaceError, type Scenario } from '../../../shared/generate';
import { isSafeName } from '../../../shared/generate/escape';
import { resolveStateDir } from '../../bundle/trust';
import { serviceTags, ServiceTagsError } from '../../health/service-tags';
import { formatPath } from '../../../shared/model/path';
import type { SourceMap } from '../../../shared/model/load';

/**
 * Where a generated file goes: every "/"-separated part must be a safe name (so no "..", no absolute path, no
 * backslash), and the resolved path must still lie under `out`. Checked for every file before the first write.
 */
export function checkedOutputPath(out: string, path: string): string {
  const parts = path.split('/');
  if (!parts.every(isSafeName))
    throw new CliError(`generated path ${JSON.stringify(path)} is not a safe relative path`, 'this is a bug in a generator: report it with the workspace');
  const full = resolve(out, ...parts);
  const rel = relative(resolve(out), full);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel) || rel.split(sep).length !== parts.length)
    throw new CliError(`generated path ${JSON.stringify(path)} would be written outside ${out}`, 'this is a bug in a generator: report it with the workspace');
  return full;
}

/** The generators' refusal, each finding with file:line:column from the loaded document. */
/** The generators' refusal, each finding at its file:line:column (shared by generate and bundle build). */
export function explainUnsafe(e: UnsafeWorkspaceError, file: string, source: SourceMap): CliError {
  const lines = e.findings.map((f) => {
    const pos = source.locate(f.path);
    return `${file}${pos ? `:${pos.line}:${pos.column}` : ''}: ${f.ruleId ? `${f.ruleId} ` : ''}at ${formatPath(f.path)}: ${f.message}\n    fix: ${f.fix}`;
  });
  return new CliError(
    `nothing was written: the workspace cannot be turned into scripts safely:\n${lines.join('\n')}`,
    `correct ${e.findings.length === 1 ? 'it' : 'them'} (\`junction lint\` lists every finding); no override lets unsafe output through`,
  );
}

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
  --force           write into a non-empty DIR (files of the same name are replaced)
  --service-tags FILE|cached
                    Azure's service-tag list (ServiceTags_Public_<date>.json, or the one cached by an earlier
                    --service-tags): the CycleCloud outbound check then decides per endpoint, from the address it
                    resolves to, whether the NSG allows it (required) or not (advisory)`,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { out: { type: 'string' }, host: { type: 'string' }, scenario: { type: 'string' }, force: { type: 'boolean' }, 'service-tags': { type: 'string' }, 'state-dir': { type: 'string' } },
    });
    if (positionals.length !== 1) throw new CliError('generate takes exactly one workspace file', 'junction generate <workspace> --out DIR');
    if (!values.out) throw new CliError('--out DIR is required', 'junction generate <workspace> --out DIR');
    const scenario = values.scenario;
    if (scenario !== undefined && !SCENARIOS.includes(scenario as Scenario))
      throw new CliError(`unknown scenario "${scenario}"`, `use one of ${SCENARIOS.join(', ')}`);
    const loaded = await loadOrExplain(resolve(io.cwd, positionals[0]!), io);
    if (!loaded) return 2;
    const ws = loaded.workspace;
    const file = positionals[0]!;
    try {
      return await write(ws, values, scenario as Scenario | undefined, io);
    } catch (e) {
      if (e instanceof UnsafeWorkspaceError) throw explainUnsafe(e, file, loaded.source);
      throw e;
    }
  },
};

/** Only when asked for: the same workspace must give the same scripts whatever a cache holds. */
async function serviceTagsFor(arg: string, stateDirFlag: string | undefined, io: Parameters<Command['run']>[1]): Promise<Record<string, string[]>> {
  const got = await serviceTags(arg === 'cached' ? undefined : arg, resolveStateDir(stateDirFlag, io.env), io.cwd).catch((e: unknown) => {
    if (e instanceof ServiceTagsError) throw new CliError(e.message, e.fix);
    throw e;
  });
  if (!got) throw new CliError('--service-tags cached: no service-tag list is cached', 'pass --service-tags ServiceTags_Public_<date>.json once (junction reach or generate caches it)');
  return got.tags.prefixes;
}

async function write(
  ws: Parameters<typeof generateAll>[0],
  values: { out?: string; host?: string; force?: boolean; 'service-tags'?: string; 'state-dir'?: string },
  scenario: Scenario | undefined,
  io: Parameters<Command['run']>[1],
): Promise<number> {
  if (values.host !== undefined) {
    // Anything a step runs on: a host (id or name), or a target such as a site or a CycleCloud cluster subnet,
    // exactly the names of the output folders; case-blind like Windows host names.
    const want = values.host.toLowerCase();
    const targets = [...new Set(draftSteps(ws).map((d) => d.target.id))];
    const known = targets.some((t) => t.toLowerCase() === want) || ws.hosts.some((h) => h.id.toLowerCase() === want || h.name.toLowerCase() === want);
    if (!known) throw new CliError(`no host or target "${values.host}" in the workspace`, `use a host name or one of the targets: ${targets.join(', ')}`);
  }
  const out = resolve(io.cwd, values.out!);
  if (!values.force && (await isNonEmptyDir(out))) throw new CliError(`${out} is not empty`, 'choose an empty directory or pass --force');
  const tags = values['service-tags'] === undefined ? undefined : await serviceTagsFor(values['service-tags'], values['state-dir'], io);
  const result = generateAll(ws, { host: values.host, scenario, ...(tags ? { serviceTagPrefixes: tags } : {}) });
  // Every destination is checked before the first write, so a refusal leaves nothing half-written.
  const targets = result.files.map((f) => ({ f, to: checkedOutputPath(out, f.path) }));
  for (const { f, to } of targets) await writeFileAtomic(to, f.content, f.kind === 'bash' ? 0o755 : 0o644);
  await writeFileAtomic(checkedOutputPath(out, 'RUNBOOK.md'), result.runbook);
  io.out(`wrote ${result.files.length} files in ${result.steps.length} steps and RUNBOOK.md to ${out}\n`);
  return 0;
}
