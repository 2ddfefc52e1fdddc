// The lint gate's record in a bundle: built from a lint report, and read back as one line for RUNBOOK, inspect and
// verify. The gate itself (refuse unless overridden) lives with the builders; this is what they all write down.
import type { LintReport } from '../lint/engine';
import type { Finding, Severity } from '../lint/types';
import type { LintRecord } from './manifest';

const ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

export function lintRecord(report: LintReport, junctionVersion: string, override: boolean): LintRecord {
  const byRule = new Map<string, { id: string; severity: Severity; count: number }>();
  for (const f of report.findings) {
    const key = `${f.ruleId}\u0000${f.severity}`;
    const cur = byRule.get(key);
    if (cur) cur.count++;
    else byRule.set(key, { id: f.ruleId, severity: f.severity, count: 1 });
  }
  const rules = [...byRule.values()].sort(
    (a, b) => ORDER[a.severity] - ORDER[b.severity] || a.id.localeCompare(b.id),
  );
  return {
    junctionVersion,
    errors: report.counts.error,
    warnings: report.counts.warning,
    infos: report.counts.info,
    rules,
    // An override with nothing to override is not one: the record says what actually happened.
    override: override && report.counts.error > 0,
  };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** "RT001 ×2, WS003" — the rules of one severity. */
export function ruleList(r: LintRecord, severity: Severity): string {
  return r.rules
    .filter((x) => x.severity === severity)
    .map((x) => (x.count > 1 ? `${x.id} ×${x.count}` : x.id))
    .join(', ');
}

/** One line: what lint found and whether the gate was overridden. */
export function describeLint(r: LintRecord | undefined): string {
  if (!r) return 'not recorded (built without the lint gate)';
  const errs = r.errors ? ` (${ruleList(r, 'error')})` : '';
  const counts = `${plural(r.errors, 'error')}${errs}, ${plural(r.warnings, 'warning')}, ${r.infos} info`;
  const by = `checked by Junction ${r.junctionVersion}`;
  if (r.override) return `${counts}, ${by} — BUILT ANYWAY: the admin overrode the lint gate`;
  return `${counts}, ${by}`;
}

/** The error findings, one line each, for the refusal. */
export function formatErrors(
  findings: readonly Finding[],
  where: (f: Finding) => string,
  max = 20,
): string[] {
  const errors = findings.filter((f) => f.severity === 'error');
  const lines = errors.slice(0, max).map((f) => `${f.ruleId} at ${where(f)}: ${f.message}`);
  if (errors.length > max) lines.push(`…and ${errors.length - max} more`);
  return lines;
}
