// `junction receipt import`: reads receipt/ from the media and records it in the workspace state file, atomically.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { APPLY_LOG, HEALTH_LOG, ApplyRecord, HealthRecord, emptyState, mergeReceipt, parseJsonLines, type WorkspaceState } from '../../shared/bundle/receipt';
import { parseManifest } from '../../shared/bundle/manifest';
import { writeFileAtomic } from '../services/atomic-write';
import { walk } from './fsutil';

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
  warnings: string[];
  state: WorkspaceState;
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

export async function importReceipt(media: string, stateFile: string, now = new Date()): Promise<ImportResult> {
  const manifestText = await readOptional(join(media, 'manifest.json'));
  if (manifestText === undefined) throw new ReceiptError(`${media} holds no bundle (no manifest.json)`, 'point at the bundle folder on the media that came back');
  const pm = parseManifest(manifestText);
  if (!pm.ok) throw new ReceiptError(`${media}/${pm.message}`, 'the media is damaged; import the receipt lines by hand or rebuild');
  if ((await walk(join(media, 'receipt')).catch(() => [])).some((e) => e.kind === 'symlink'))
    throw new ReceiptError(`${media}/receipt contains a symbolic link`, 'receipts are plain files; remove the link and import again');
  const applyText = await readOptional(join(media, APPLY_LOG));
  const healthText = await readOptional(join(media, HEALTH_LOG));
  if (applyText === undefined && healthText === undefined)
    throw new ReceiptError(`${media}/${APPLY_LOG} does not exist: no step has been recorded yet`, 'run apply.ps1 on the far side (it writes the log), then import again');
  const apply = parseJsonLines(applyText ?? '', ApplyRecord);
  const health = parseJsonLines(healthText ?? '', HealthRecord);
  const warnings = [
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
  const merged = mergeReceipt(state, pm.manifest.bundleId, pm.manifest.workspace.sha256, apply.records, health.records, now.toISOString());
  await writeFileAtomic(stateFile, JSON.stringify(merged.state, null, 2) + '\n');
  return { stateFile, bundleId: pm.manifest.bundleId, addedRuns: merged.addedRuns, addedHealth: merged.addedHealth, warnings, state: merged.state };
}
