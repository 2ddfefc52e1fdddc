// The lint gate every bundle build goes through (CLI and console): a workspace with lint errors is refused unless
// the admin overrides, and either way the result is recorded in the manifest. It only ever lets through what lint
// flags; what generate() itself refuses as unsafe (dangling references, invalid prefixes) stays refused.
import type { Workspace } from '../../shared/model/schema';
import { lintWorkspace, type LintReport } from '../../shared/lint/engine';
import type { Finding } from '../../shared/lint/types';
import type { LintRecord } from '../../shared/bundle/manifest';
import { lintRecord } from '../../shared/bundle/lint-record';

export class LintGateError extends Error {
  constructor(
    readonly errors: Finding[],
    readonly report: LintReport,
  ) {
    super(
      `the workspace has ${errors.length} lint error${errors.length === 1 ? '' : 's'}; a bundle is not built from it`,
    );
  }
}

export function lintGate(
  ws: Workspace,
  opts: { allowLintErrors: boolean; junctionVersion: string; now?: Date },
): LintRecord {
  const report = lintWorkspace(ws, opts.now ? { now: opts.now } : {});
  const errors = report.findings.filter((f) => f.severity === 'error');
  if (errors.length && !opts.allowLintErrors) throw new LintGateError(errors, report);
  return lintRecord(report, opts.junctionVersion, opts.allowLintErrors);
}
