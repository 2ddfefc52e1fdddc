// Where apply state lives: journals (append-only JSON lines, one file per apply), snapshots of live state (for
// `plan --offline`) and queued applies. Plain files beside the desktop app's settings: electron-store rewrites its
// whole file on every change, which an append-only journal must not suffer.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { readFile, readdir, rm } from 'node:fs/promises';
import { writeFileAtomic } from '../services/atomic-write';
import type { LiveResource } from '../../shared/azure/plan';

/** Electron's userData for productName "Junction", so the CLI and the desktop app share one state directory. */
export function defaultStateDir(env: Readonly<Record<string, string | undefined>>): string {
  const home = homedir();
  const base =
    process.platform === 'win32'
      ? (env['APPDATA'] ?? join(home, 'AppData', 'Roaming'))
      : process.platform === 'darwin'
        ? join(home, 'Library', 'Application Support')
        : (env['XDG_CONFIG_HOME'] ?? join(home, '.config'));
  return join(base, 'Junction', 'azure');
}

export function stateDir(flag: string | undefined, env: Readonly<Record<string, string | undefined>>): string {
  return flag ?? env['JUNCTION_STATE_DIR'] ?? defaultStateDir(env);
}

/** File-name-safe form of a workspace name. */
export function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'workspace';
}

export interface Snapshot {
  workspace: string;
  armEndpoint: string;
  savedAt: string;
  scopes: string[];
  resources: LiveResource[];
}

export const snapshotPath = (dir: string, ws: string) => join(dir, 'snapshots', `${slug(ws)}.json`);

export async function saveSnapshot(dir: string, snap: Snapshot): Promise<void> {
  await writeFileAtomic(snapshotPath(dir, snap.workspace), JSON.stringify(snap, null, 1) + '\n', 0o600);
}

export async function loadSnapshot(dir: string, ws: string): Promise<Snapshot | undefined> {
  try {
    return JSON.parse(await readFile(snapshotPath(dir, ws), 'utf8')) as Snapshot;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

export function describeAge(savedAt: string, now = new Date()): string {
  const s = Math.max(0, Math.round((now.getTime() - new Date(savedAt).getTime()) / 1000));
  const [n, unit] = s < 120 ? [s, 'second'] : s < 7200 ? [Math.round(s / 60), 'minute'] : s < 172800 ? [Math.round(s / 3600), 'hour'] : [Math.round(s / 86400), 'day'];
  return `${n} ${unit}${n === 1 ? '' : 's'} old`;
}

export interface QueuedApply {
  workspace: string;
  workspaceFile: string;
  armEndpoint: string;
  requestedAt: string;
  reason: string;
}

const queueDir = (dir: string) => join(dir, 'queue');

export async function enqueue(dir: string, q: QueuedApply): Promise<string> {
  const file = join(queueDir(dir), `${slug(q.workspace)}.json`);
  await writeFileAtomic(file, JSON.stringify(q, null, 1) + '\n', 0o600);
  return file;
}

export async function listQueue(dir: string): Promise<QueuedApply[]> {
  const names = await readdir(queueDir(dir)).catch(() => [] as string[]);
  const out: QueuedApply[] = [];
  for (const n of names.filter((x) => x.endsWith('.json')).sort()) out.push(JSON.parse(await readFile(join(queueDir(dir), n), 'utf8')) as QueuedApply);
  return out;
}

export async function dequeue(dir: string, workspace: string): Promise<void> {
  await rm(join(queueDir(dir), `${slug(workspace)}.json`), { force: true });
}
