import type { Workspace } from '../model/schema';
import { buildLookup } from '../model/lookup';
import { formatPath } from '../model/path';
import type { Finding, Rule, Severity } from './types';
import { RULES } from './rules';

export interface LintOptions {
  now?: Date;
  rules?: readonly Rule[];
}

export interface LintReport {
  findings: Finding[];
  counts: Record<Severity, number>;
}

const ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

export function lintWorkspace(ws: Workspace, opts: LintOptions = {}): LintReport {
  const ctx = { lookup: buildLookup(ws), now: opts.now ?? new Date() };
  const findings: Finding[] = [];
  for (const rule of opts.rules ?? RULES) {
    for (const d of rule.check(ctx)) {
      findings.push({
        ruleId: rule.id,
        ruleName: rule.name,
        severity: d.severity ?? rule.severity,
        message: d.message,
        path: d.path,
        fix: d.fix,
      });
    }
  }
  // Stable order so the CLI output and --json diff cleanly between runs.
  findings.sort(
    (a, b) =>
      ORDER[a.severity] - ORDER[b.severity] ||
      a.ruleId.localeCompare(b.ruleId) ||
      formatPath(a.path).localeCompare(formatPath(b.path)) ||
      a.message.localeCompare(b.message),
  );
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const f of findings) counts[f.severity]++;
  return { findings, counts };
}
