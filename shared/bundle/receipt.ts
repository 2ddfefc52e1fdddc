// The receipt carried back across the gap: far-side scripts append JSON lines to receipt/apply-log.jsonl and
// receipt/health.jsonl on the media; `junction receipt import` folds them into the workspace state file.
import { z } from 'zod';
import type { HealthReport } from '../health/report';

export const APPLY_LOG = 'receipt/apply-log.jsonl';
export const HEALTH_LOG = 'receipt/health.jsonl';

export const ApplyRecord = z.object({
  bundleId: z.string().optional(),
  host: z.string().min(1),
  /** The machine the step actually ran on (may differ from the planned host name). */
  computer: z.string().optional(),
  step: z.number().int().positive(),
  script: z.string().optional(),
  started: z.iso.datetime({ offset: true }),
  finished: z.iso.datetime({ offset: true }),
  exitCode: z.number().int(),
});
export type ApplyRecord = z.infer<typeof ApplyRecord>;

export const HealthRecord = z.object({
  bundleId: z.string().optional(),
  host: z.string().min(1),
  computer: z.string().optional(),
  checked: z.iso.datetime({ offset: true }),
  check: z.string().min(1),
  ok: z.boolean(),
  detail: z.string().optional(),
});
export type HealthRecord = z.infer<typeof HealthRecord>;

export interface LineProblem {
  line: number;
  message: string;
}

/** Parses JSON lines strictly but keeps going, so one garbled line (a pulled stick) does not hide the rest. */
export function parseJsonLines<T>(text: string, schema: z.ZodType<T>): { records: T[]; problems: LineProblem[] } {
  const records: T[] = [];
  const problems: LineProblem[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    let raw: unknown;
    try {
      raw = JSON.parse(line.charCodeAt(0) === 0xfeff ? line.slice(1) : line);
    } catch {
      problems.push({ line: i + 1, message: 'not valid JSON' });
      return;
    }
    const r = schema.safeParse(raw);
    if (r.success) records.push(r.data);
    else {
      const issue = r.error.issues[0]!;
      problems.push({ line: i + 1, message: `${issue.path.join('.') || '(record)'}: ${issue.message}` });
    }
  });
  return { records, problems };
}

export interface StepRun {
  bundleId: string;
  host: string;
  computer?: string;
  step: number;
  script?: string;
  started: string;
  finished: string;
  exitCode: number;
  result: 'succeeded' | 'failed';
}

export interface WorkspaceState {
  version: 1;
  /** SHA-256 of the workspace file the imported bundles were built from (last import). */
  workspaceSha256?: string;
  runs: StepRun[];
  health: (HealthRecord & { bundleId: string })[];
  imports: { bundleId: string; importedAt: string; applyRecords: number; healthRecords: number }[];
  /** Far-side health reports (receipt/health/*.json) already imported, by content hash. */
  farSideReports?: FarSideReportEntry[];
}

export interface FarSideReportEntry {
  bundleId: string;
  /** Path on the media, relative to the bundle folder. */
  file: string;
  sha256: string;
  host: string;
  computer?: string;
  collected: string;
  counts: { ok: number; warning: number; fail: number; skipped: number };
  importedAt: string;
}

/** Health records for the state from one far-side report: one per probe, keyed like the apply.ps1 checks. */
export function healthRecordsOfReport(report: HealthReport): HealthRecord[] {
  return report.probes.map((p) => ({
    host: report.host,
    ...(report.computer ? { computer: report.computer } : {}),
    checked: report.collected,
    check: `${p.kind} ${p.target}`,
    ok: p.ok,
    detail: `${p.status}: ${p.detail}`,
  }));
}

/** Adds reports not seen before (by sha256); returns the new ones so their probes go to the history once. */
export function mergeFarSideReports(
  state: WorkspaceState,
  entries: readonly Omit<FarSideReportEntry, 'importedAt'>[],
  importedAt: string,
): { state: WorkspaceState; added: Omit<FarSideReportEntry, 'importedAt'>[] } {
  const have = new Set((state.farSideReports ?? []).map((r) => r.sha256));
  const added = entries.filter((e) => !have.has(e.sha256) && (have.add(e.sha256), true));
  return { state: { ...state, farSideReports: [...(state.farSideReports ?? []), ...added.map((e) => ({ ...e, importedAt }))] }, added };
}

export function emptyState(): WorkspaceState {
  return { version: 1, runs: [], health: [], imports: [] };
}

/** Adds the records of one receipt to the state; importing the same receipt twice changes nothing. */
export function mergeReceipt(
  state: WorkspaceState,
  bundleId: string,
  workspaceSha256: string,
  apply: readonly ApplyRecord[],
  health: readonly HealthRecord[],
  importedAt: string,
): { state: WorkspaceState; addedRuns: number; addedHealth: number } {
  const runKey = (r: { bundleId: string; host: string; step: number; started: string }) => `${r.bundleId}|${r.host}|${r.step}|${r.started}`;
  const have = new Set(state.runs.map(runKey));
  const runs = [...state.runs];
  let addedRuns = 0;
  for (const a of apply) {
    const run: StepRun = {
      bundleId: a.bundleId ?? bundleId,
      host: a.host,
      ...(a.computer !== undefined ? { computer: a.computer } : {}),
      step: a.step,
      ...(a.script !== undefined ? { script: a.script } : {}),
      started: a.started,
      finished: a.finished,
      exitCode: a.exitCode,
      result: a.exitCode === 0 ? 'succeeded' : 'failed',
    };
    if (have.has(runKey(run))) continue;
    have.add(runKey(run));
    runs.push(run);
    addedRuns++;
  }
  const hKey = (h: HealthRecord & { bundleId: string }) => `${h.bundleId}|${h.host}|${h.check}|${h.checked}`;
  const haveH = new Set(state.health.map(hKey));
  const healthOut = [...state.health];
  let addedHealth = 0;
  for (const h of health) {
    const rec = { ...h, bundleId: h.bundleId ?? bundleId };
    if (haveH.has(hKey(rec))) continue;
    haveH.add(hKey(rec));
    healthOut.push(rec);
    addedHealth++;
  }
  runs.sort((x, y) => x.started.localeCompare(y.started) || x.host.localeCompare(y.host) || x.step - y.step);
  return {
    state: {
      ...state,
      version: 1,
      workspaceSha256,
      runs,
      health: healthOut,
      imports: [...state.imports, { bundleId, importedAt, applyRecords: addedRuns, healthRecords: addedHealth }],
    },
    addedRuns,
    addedHealth,
  };
}

/** The latest outcome of each planned step: what ran, where, when, with what result; undefined = not run yet. */
export function stepStatus(state: WorkspaceState, bundleId: string, host: string, step: number): StepRun | undefined {
  const runs = state.runs.filter((r) => r.bundleId === bundleId && r.host === host && r.step === step);
  return runs.sort((a, b) => a.finished.localeCompare(b.finished)).at(-1);
}
