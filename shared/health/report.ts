// The far-side health report: what collect-health.sh / collect-health.ps1 write to receipt/health/ on the media,
// and how its probes become lines of the workspace's health history (the same shape electron/health writes).
import { z } from 'zod';

export const HEALTH_REPORT_FORMAT = 'junction-health/1';
/** Reports land in receipt/health/<host>-<yyyymmddThhmmssZ>.json: outside the signed files, like the apply log. */
export const HEALTH_REPORT_DIR = 'receipt/health';

export const FarProbeKind = z.enum(['dns', 'tcp', 'tls', 'https', 'amqp']);
export type FarProbeKind = z.infer<typeof FarProbeKind>;

/** ok; warning (works, e.g. a certificate lapses within 30 days); fail; skipped (the host lacks the tool). */
export const FarProbeStatus = z.enum(['ok', 'warning', 'fail', 'skipped']);

export const FarProbeResult = z.object({
  id: z.string().min(1),
  set: z.string().optional(),
  kind: FarProbeKind,
  target: z.string().min(1),
  status: FarProbeStatus,
  ok: z.boolean(),
  detail: z.string(),
  ms: z.number().nonnegative(),
});
export type FarProbeResult = z.infer<typeof FarProbeResult>;

export const HealthReport = z.object({
  format: z.literal(HEALTH_REPORT_FORMAT),
  /** The probe group the report is for: a host id of the workspace, or e.g. "a node of snet-cluster". */
  host: z.string().min(1),
  /** The machine it actually ran on. */
  computer: z.string().optional(),
  collected: z.iso.datetime({ offset: true }),
  tool: z.string().optional(),
  probes: z.array(FarProbeResult),
});
export type HealthReport = z.infer<typeof HealthReport>;

export type ReportParse = { ok: true; report: HealthReport } | { ok: false; message: string };

export function parseHealthReport(text: string): ReportParse {
  let raw: unknown;
  try {
    raw = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    return { ok: false, message: `not JSON: ${(e as Error).message}` };
  }
  const r = HealthReport.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    return { ok: false, message: `at ${issue.path.join('.') || '(root)'}: ${issue.message}` };
  }
  return { ok: true, report: r.data };
}

/** One line of <workspace>.health.jsonl, as electron/health/history.ts writes them, marked as seen from the far side. */
export interface FarSideHistoryRecord {
  id: string;
  set?: string;
  kind: FarProbeKind;
  target: string;
  status: 'ok' | 'warning' | 'fail';
  /** The report's collection time: the far side's clock, not the import time. */
  at: string;
  ms: number;
  message: string;
  source: 'far-side';
  host: string;
  computer?: string;
}

/** Skipped probes say nothing about the network, so they stay out of the time series (the state keeps them). */
export function historyRecords(report: HealthReport): FarSideHistoryRecord[] {
  const at = new Date(report.collected).toISOString();
  return report.probes
    .filter((p): p is FarProbeResult & { status: 'ok' | 'warning' | 'fail' } => p.status !== 'skipped')
    .map((p) => ({
      id: p.id,
      ...(p.set ? { set: p.set } : {}),
      kind: p.kind,
      target: p.target,
      status: p.status,
      at,
      ms: p.ms,
      message: p.detail,
      source: 'far-side' as const,
      host: report.host,
      ...(report.computer ? { computer: report.computer } : {}),
    }));
}

export function reportCounts(report: HealthReport): { ok: number; warning: number; fail: number; skipped: number } {
  const c = { ok: 0, warning: 0, fail: 0, skipped: 0 };
  for (const p of report.probes) c[p.status]++;
  return c;
}
