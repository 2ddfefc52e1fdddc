// The far-side state reports of a receipt (receipt/state/*.json): read like anything that comes back on media —
// through safe-read (no links, devices or FIFOs; size caps), count-capped and schema-validated — and folded into
// <workspace>.observed.json, which keeps the latest report per host. A report that fails is named with the place and
// the reason and nothing of it is imported; the others still are.
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { MAX_STATE_REPORT_BYTES, STATE_REPORT_DIR, hostStateOf, parseStateReport, type HostState } from '../../shared/state/report';
import { writeFileAtomic } from '../services/atomic-write';
import { isPlainFolder, readRegularFile, SafeReadError } from './safe-read';

export const MAX_STATE_REPORTS = 2000;

export interface ObservedEntry {
  host: string;
  /** Where it came from on the media, relative to the bundle folder. */
  file: string;
  sha256: string;
  bundleId?: string;
  importedAt: string;
  state: HostState;
}

export interface ObservedFile {
  version: 1;
  /** Lower-cased host → the newest report of that host. */
  hosts: Record<string, ObservedEntry>;
}

export interface StateImportResult {
  observedFile: string;
  /** Reports that became their host's latest. */
  updated: { host: string; collected: string; file: string }[];
  /** Valid reports older than (or the same as) what was already kept. */
  older: number;
  problems: string[];
}

/** <workspace>.state.json → <workspace>.observed.json, beside it. */
export function observedFileFor(stateFile: string): string {
  return stateFile.replace(/\.state\.json$/, '') + '.observed.json';
}

export async function readObserved(file: string): Promise<ObservedFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, hosts: {} };
    throw e;
  }
  let v: ObservedFile;
  try {
    v = JSON.parse(text) as ObservedFile;
  } catch (e) {
    throw new Error(`${file} is not JSON (${(e as Error).message})`);
  }
  if (v?.version !== 1 || typeof v.hosts !== 'object' || v.hosts === null || Array.isArray(v.hosts)) throw new Error(`${file} is not an observed-state file (version 1)`);
  return v;
}

/** Does the media carry any state report at all (so a receipt of only state is not "nothing recorded")? */
export async function hasStateReports(media: string): Promise<boolean> {
  try {
    return (await readdir(join(media, ...STATE_REPORT_DIR.split('/')))).some((n) => n.endsWith('.json') && !n.startsWith('.'));
  } catch {
    return false;
  }
}

export interface ReadReport {
  name: string;
  bytes: Buffer;
  state: HostState;
}

/**
 * Every valid report in `root/rel` (plain *.json files), and a located problem for each that is not. Files are read
 * through safe-read (#16's reader for returned media): no link anywhere below `root`, regular files only, never
 * blocking on a FIFO, capped in size.
 */
export async function readStateDir(root: string, rel = ''): Promise<{ reports: ReadReport[]; problems: string[] }> {
  const problems: string[] = [];
  const dir = join(root, ...rel.split('/').filter(Boolean));
  let names: string[];
  try {
    if (rel ? !(await isPlainFolder(root, rel)) : !(await stat(root).then((st) => st.isDirectory(), () => false))) return { reports: [], problems };
    names = (await readdir(dir)).filter((n) => n.endsWith('.json') && !n.startsWith('.')).sort();
  } catch (e) {
    if (e instanceof SafeReadError) return { reports: [], problems: [`${e.message}; no state report was read`] };
    throw e;
  }
  if (names.length > MAX_STATE_REPORTS) {
    problems.push(`${dir}: ${names.length} reports, more than the ${MAX_STATE_REPORTS} one import takes; the first ${MAX_STATE_REPORTS} by name were read`);
    names = names.slice(0, MAX_STATE_REPORTS);
  }
  const reports: ReadReport[] = [];
  for (const name of names) {
    let bytes: Buffer | undefined;
    try {
      bytes = await readRegularFile(root, rel ? `${rel}/${name}` : name, MAX_STATE_REPORT_BYTES);
    } catch (e) {
      if (!(e instanceof SafeReadError)) throw e;
      problems.push(`${e.file}: ${e.reason.replace(/; refused.*$/, '')}; report not imported (state reports are plain files up to ${MAX_STATE_REPORT_BYTES} bytes)`);
      continue;
    }
    if (!bytes) continue; // gone since the listing
    const parsed = parseStateReport(bytes.toString('utf8'));
    if (!parsed.ok) {
      problems.push(`${join(dir, name)}: ${parsed.message}; report not imported (collect it again with collect-state.ps1/.sh from the bundle)`);
      continue;
    }
    reports.push({ name, bytes, state: hostStateOf(parsed.report) });
  }
  return { reports, problems };
}

export async function importStateReports(media: string, observedFile: string, opts: { bundleId?: string; now?: Date } = {}): Promise<StateImportResult> {
  const { reports, problems } = await readStateDir(media, STATE_REPORT_DIR);
  const result: StateImportResult = { observedFile, updated: [], older: 0, problems };
  if (!reports.length) return result;
  let observed: ObservedFile;
  try {
    observed = await readObserved(observedFile);
  } catch (e) {
    result.problems.push(`${(e as Error).message}: no state report was imported; move it away (it is rebuilt from the next import)`);
    return result;
  }
  const importedAt = (opts.now ?? new Date()).toISOString();
  let changed = false;
  for (const { name, bytes, state } of reports) {
    const rel = `${STATE_REPORT_DIR}/${name}`;
    const key = state.host.toLowerCase();
    const kept = observed.hosts[key];
    if (kept && Date.parse(kept.state.collected) >= Date.parse(state.collected)) {
      result.older++;
      continue;
    }
    observed.hosts[key] = {
      host: state.host,
      file: rel,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      ...(opts.bundleId ? { bundleId: opts.bundleId } : {}),
      importedAt,
      state,
    };
    result.updated.push({ host: state.host, collected: state.collected, file: rel });
    changed = true;
  }
  if (changed) {
    const sorted: ObservedFile = { version: 1, hosts: Object.fromEntries(Object.entries(observed.hosts).sort(([a], [b]) => a.localeCompare(b))) };
    await writeFileAtomic(observedFile, JSON.stringify(sorted, null, 2) + '\n');
  }
  return result;
}
