// `junction receipt import`: reads receipt/ from the media and records it in the workspace state file, atomically.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  APPLY_LOG,
  HEALTH_LOG,
  ApplyRecord,
  HealthRecord,
  emptyState,
  healthRecordsOfReport,
  mergeFarSideReports,
  mergeReceipt,
  parseJsonLines,
  type FarSideReportEntry,
  type WorkspaceState,
} from '../../shared/bundle/receipt';
import { HEALTH_REPORT_DIR, parseHealthReport, reportCounts, type HealthReport } from '../../shared/health/report';
import { appendFarSideReport } from '../health/far-side';
import { parseManifest } from '../../shared/bundle/manifest';
import { writeFileAtomic } from '../services/atomic-write';
import { walk } from './fsutil';
import { hasStateReports, importStateReports, observedFileFor, type StateImportResult } from './state-import';

export class ReceiptError extends Error {
  constructor(
    message: string,
    readonly fix: string,
  ) {
    super(message);
  }
}

export interface ImportResult {
  stateFile: string;
  bundleId: string;
  addedRuns: number;
  addedHealth: number;
  /** Far-side health reports imported for the first time, and probe results they added to the history. */
  addedReports: number;
  historyFile?: string;
  addedHistory: number;
  warnings: string[];
  state: WorkspaceState;
  /** Far-side state reports (receipt/state/*.json): the latest per host, kept in <workspace>.observed.json. */
  observed: StateImportResult;
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

async function readReports(media: string, warnings: string[]): Promise<{ entry: Omit<FarSideReportEntry, 'importedAt' | 'bundleId'>; report: HealthReport }[]> {
  const files = (await walk(join(media, ...HEALTH_REPORT_DIR.split('/'))).catch(() => [])).filter((e) => e.kind === 'file' && e.path.endsWith('.json') && !e.path.split('/').pop()!.startsWith('.'));
  const out: { entry: Omit<FarSideReportEntry, 'importedAt' | 'bundleId'>; report: HealthReport }[] = [];
  for (const f of files) {
    const rel = `${HEALTH_REPORT_DIR}/${f.path}`;
    const bytes = await readFile(join(media, ...rel.split('/')));
    const r = parseHealthReport(bytes.toString('utf8'));
    if (!r.ok) {
      warnings.push(`${join(media, rel)}: ${r.message} (report skipped)`);
      continue;
    }
    const { report } = r;
    out.push({
      report,
      entry: {
        file: rel,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        host: report.host,
        ...(report.computer ? { computer: report.computer } : {}),
        collected: report.collected,
        counts: reportCounts(report),
      },
    });
  }
  return out;
}

export interface ImportOptions {
  /** The health time series (<workspace>.health.jsonl) that far-side probe results are appended to. */
  historyFile?: string;
}

export async function importReceipt(media: string, stateFile: string, now = new Date(), opts: ImportOptions = {}): Promise<ImportResult> {
  const manifestText = await readOptional(join(media, 'manifest.json'));
  if (manifestText === undefined) throw new ReceiptError(`${media} holds no bundle (no manifest.json)`, 'point at the bundle folder on the media that came back');
  const pm = parseManifest(manifestText);
  if (!pm.ok) throw new ReceiptError(`${media}/${pm.message}`, 'the media is damaged; import the receipt lines by hand or rebuild');
  if ((await walk(join(media, 'receipt')).catch(() => [])).some((e) => e.kind === 'symlink'))
    throw new ReceiptError(`${media}/receipt contains a symbolic link`, 'receipts are plain files; remove the link and import again');
  const applyText = await readOptional(join(media, APPLY_LOG));
  const healthText = await readOptional(join(media, HEALTH_LOG));
  const reportWarnings: string[] = [];
  const reports = await readReports(media, reportWarnings);
  if (applyText === undefined && healthText === undefined && reports.length === 0 && reportWarnings.length === 0 && !(await hasStateReports(media)))
    throw new ReceiptError(
      `${media}/${APPLY_LOG} does not exist and ${media}/${HEALTH_REPORT_DIR}/ holds no report: nothing has been recorded yet`,
      'run apply.ps1 or apply.sh (they write the log) or collect-health.sh/.ps1 (they write the reports) on the far side, then import again',
    );
  const apply = parseJsonLines(applyText ?? '', ApplyRecord);
  const health = parseJsonLines(healthText ?? '', HealthRecord);
  const warnings = [
    ...reportWarnings,
    ...apply.problems.map((p) => `${join(media, APPLY_LOG)}:${p.line}: ${p.message} (line skipped)`),
    ...health.problems.map((p) => `${join(media, HEALTH_LOG)}:${p.line}: ${p.message} (line skipped)`),
  ];
  const planned = new Set(pm.manifest.hosts.flatMap((h) => h.steps.map((s) => `${h.host}|${s.step}`)));
  for (const r of apply.records) if (!planned.has(`${r.host}|${r.step}`)) warnings.push(`apply log: ${r.host} step ${r.step} is not a step of bundle ${pm.manifest.bundleId}`);
  let state = emptyState();
  const existing = await readOptional(stateFile);
  if (existing !== undefined) {
    try {
      state = JSON.parse(existing) as WorkspaceState;
    } catch {
      throw new ReceiptError(`${stateFile} is not valid JSON`, 'restore it from backup or move it away; a new one will be started');
    }
  }
  const bundleId = pm.manifest.bundleId;
  const reportHealth = reports.flatMap((r) => healthRecordsOfReport(r.report));
  const merged = mergeReceipt(state, bundleId, pm.manifest.workspace.sha256, apply.records, [...health.records, ...reportHealth], now.toISOString());
  const far = mergeFarSideReports(merged.state, reports.map((r) => ({ bundleId, ...r.entry })), now.toISOString());
  const observed = await importStateReports(media, observedFileFor(stateFile), { bundleId, now });
  await writeFileAtomic(stateFile, JSON.stringify(far.state, null, 2) + '\n');
  // The history append is idempotent on its own (it skips lines already there), so a crash between the two
  // writes is repaired by importing again.
  let addedHistory = 0;
  if (opts.historyFile) for (const r of reports) addedHistory += await appendFarSideReport(opts.historyFile, r.report);
  return {
    stateFile,
    bundleId,
    addedRuns: merged.addedRuns,
    addedHealth: merged.addedHealth,
    addedReports: far.added.length,
    ...(opts.historyFile ? { historyFile: opts.historyFile } : {}),
    addedHistory,
    warnings: [...warnings, ...observed.problems],
    state: far.state,
    observed,
  };
}
