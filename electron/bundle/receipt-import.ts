// `junction receipt import`: reads receipt/ from the media and records it in the workspace state file, atomically.
// The media comes back from outside the boundary: every file is read through safe-read (regular files only, no
// symlink anywhere on the path, never blocking on a FIFO, capped in size), and logs are streamed line by line.
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
import { isPlainFolder, openRegularFile, readRegularFile, readRegularLines, SafeReadError } from './safe-read';
import type { z } from 'zod';
import { hasStateReports, importStateReports, observedFileFor, type StateImportResult } from './state-import';

/** Far beyond any real run (a record is about 250 bytes), far below what would strain memory. */
export const RECEIPT_LIMITS = { logBytes: 64 << 20, lineBytes: 1 << 20, reportBytes: 16 << 20, manifestBytes: 64 << 20 };

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

function refuse(e: unknown): never {
  if (e instanceof SafeReadError) throw new ReceiptError(e.message, e.fix);
  throw e;
}

/** A JSON-lines log on the media, streamed; undefined when it does not exist. */
async function readLog<T>(media: string, rel: string, schema: z.ZodType<T>): Promise<{ records: T[]; problems: { line: number; message: string }[] } | undefined> {
  if (!(await openRegularFile(media, rel).then((o) => (o ? (void o.fh.close(), true) : false), refuse))) return undefined;
  const records: T[] = [];
  const problems: { line: number; message: string }[] = [];
  try {
    for await (const { line, lineNo } of readRegularLines(media, rel, { maxBytes: RECEIPT_LIMITS.logBytes, maxLineBytes: RECEIPT_LIMITS.lineBytes })) {
      const r = parseJsonLines(line, schema);
      records.push(...r.records);
      for (const p of r.problems) problems.push({ line: lineNo, message: p.message });
    }
  } catch (e) {
    refuse(e);
  }
  return { records, problems };
}

async function readReports(media: string, warnings: string[]): Promise<{ entry: Omit<FarSideReportEntry, 'importedAt' | 'bundleId'>; report: HealthReport }[]> {
  const out: { entry: Omit<FarSideReportEntry, 'importedAt' | 'bundleId'>; report: HealthReport }[] = [];
  // The folder must be reached without a link before it is listed; the listing does not follow links below it.
  if (!(await isPlainFolder(media, HEALTH_REPORT_DIR).catch(refuse))) return out;
  const entries = await walk(join(media, ...HEALTH_REPORT_DIR.split('/')));
  for (const f of entries) {
    const name = f.path.split('/').pop()!;
    if (!f.path.endsWith('.json') || name.startsWith('.')) continue;
    const rel = `${HEALTH_REPORT_DIR}/${f.path}`;
    if (f.kind === 'dir') continue;
    const bytes = await readRegularFile(media, rel, RECEIPT_LIMITS.reportBytes).catch(refuse);
    if (!bytes) continue;
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
  const manifestBytes = await readRegularFile(media, 'manifest.json', RECEIPT_LIMITS.manifestBytes).catch(refuse);
  if (manifestBytes === undefined) throw new ReceiptError(`${media} holds no bundle (no manifest.json)`, 'point at the bundle folder on the media that came back');
  const pm = parseManifest(manifestBytes.toString('utf8'));
  if (!pm.ok) throw new ReceiptError(`${join(media, 'manifest.json')}: ${pm.message}`, 'the media is damaged; import the receipt lines by hand or rebuild');
  // receipt/ itself first: a link there would lead every read below it to another folder on this machine.
  await isPlainFolder(media, 'receipt').catch(refuse);
  const apply = await readLog(media, APPLY_LOG, ApplyRecord);
  const healthLog = await readLog(media, HEALTH_LOG, HealthRecord);
  const reportWarnings: string[] = [];
  const reports = await readReports(media, reportWarnings);
  if (apply === undefined && healthLog === undefined && reports.length === 0 && reportWarnings.length === 0 && !(await hasStateReports(media)))
    throw new ReceiptError(
      `${media}/${APPLY_LOG} does not exist and ${media}/${HEALTH_REPORT_DIR}/ holds no report: nothing has been recorded yet`,
      'run apply.ps1 or apply.sh (they write the log) or collect-health.sh/.ps1 (they write the reports) on the far side, then import again',
    );
  const health = healthLog ?? { records: [], problems: [] };
  const warnings = [
    ...reportWarnings,
    ...(apply?.problems ?? []).map((p) => `${join(media, APPLY_LOG)}:${p.line}: ${p.message} (line skipped)`),
    ...health.problems.map((p) => `${join(media, HEALTH_LOG)}:${p.line}: ${p.message} (line skipped)`),
  ];
  const planned = new Set(pm.manifest.hosts.flatMap((h) => h.steps.map((s) => `${h.host}|${s.step}`)));
  for (const r of apply?.records ?? []) if (!planned.has(`${r.host}|${r.step}`)) warnings.push(`apply log: ${r.host} step ${r.step} is not a step of bundle ${pm.manifest.bundleId}`);
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
  const merged = mergeReceipt(state, bundleId, pm.manifest.workspace.sha256, apply?.records ?? [], [...health.records, ...reportHealth], now.toISOString());
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
