import { parseArgs } from 'node:util';
import { relative } from 'node:path';
import type { Command } from '../io';
import { CliError } from '../io';
import { lintWorkspace } from '../../../shared/lint/engine';
import { formatPath, toJsonPointer } from '../../../shared/model/path';
import { loadOrExplain } from '../load';

export const lintCommand: Command = {
  name: 'lint',
  summary: 'check a workspace against the known failure modes',
  usage: `junction lint <workspace> [--json] [--at DATE]

  Checks the workspace against every rule in docs/rules.md and prints each finding with its
  location, the rule id and a concrete fix. Exit code: 0 clean (warnings allowed), 1 errors found,
  2 the workspace could not be read.

  --json      machine-readable report
  --at DATE   lint as of DATE (ISO 8601), e.g. to see which certificates lapse before a maintenance window`,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { json: { type: 'boolean' }, at: { type: 'string' } },
    });
    if (positionals.length !== 1)
      throw new CliError('lint takes exactly one workspace file', 'junction lint <workspace> [--json]');
    const file = positionals[0]!;
    let now = new Date();
    if (values.at !== undefined) {
      now = new Date(values.at);
      if (Number.isNaN(now.getTime()))
        throw new CliError(
          `--at "${values.at}" is not a date`,
          'write it as 2027-03-01 or 2027-03-01T12:00:00Z',
        );
    }
    const loaded = await loadOrExplain(file, io, values.json === true);
    if (!loaded) return 2;
    const report = lintWorkspace(loaded.workspace, { now });
    const shown = relative(io.cwd, file) || file;
    if (values.json) {
      io.out(
        JSON.stringify(
          {
            file: shown,
            counts: report.counts,
            findings: report.findings.map((f) => {
              const pos = loaded.source.locate(f.path);
              return {
                ruleId: f.ruleId,
                rule: f.ruleName,
                severity: f.severity,
                message: f.message,
                path: formatPath(f.path),
                pointer: toJsonPointer(f.path),
                line: pos?.line,
                column: pos?.column,
                fix: f.fix,
              };
            }),
          },
          null,
          2,
        ) + '\n',
      );
    } else {
      for (const f of report.findings) {
        const pos = loaded.source.locate(f.path);
        io.out(
          `${shown}${pos ? `:${pos.line}:${pos.column}` : ''}  ${f.severity}  ${f.ruleId} ${f.ruleName}\n`,
        );
        io.out(`  ${f.message}\n  at ${formatPath(f.path)}\n  fix: ${f.fix}\n\n`);
      }
      const { error, warning, info } = report.counts;
      const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
      io.out(
        error + warning + info === 0
          ? `${shown}: no problems\n`
          : `${shown}: ${plural(error, 'error')}, ${plural(warning, 'warning')}${info ? `, ${info} info` : ''}\n`,
      );
    }
    return report.counts.error > 0 ? 1 : 0;
  },
};
