// The workspace as it was when Azure last matched it: written after an apply completes (or finds nothing to do), so
// the next plan can say which flows its change opens or closes (shared/reach/diff.ts) against what was last put in
// place rather than against the saved file, which may never have been applied. One file per workspace name in the
// state directory, beside the journals and snapshots; the document holds secret references only, never values.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadWorkspace } from '../../shared/model/load';
import type { Workspace } from '../../shared/model/schema';
import { diffReach, formatReachDiff, isEmptyReachDiff, type ReachDiff } from '../../shared/reach/diff';
import { writeFileAtomic } from '../services/atomic-write';
import { slug } from './state';

export interface AppliedWorkspace {
  workspace: string;
  appliedAt: string;
  /** The journal of the apply that brought Azure to it; absent when Azure already matched (nothing to apply). */
  journal?: string;
  doc: Workspace;
}

export const appliedPath = (dir: string, ws: string) => join(dir, 'applied', `${slug(ws)}.json`);

export async function recordApplied(dir: string, ws: Workspace, journal?: string): Promise<void> {
  const rec: AppliedWorkspace = { workspace: ws.name, appliedAt: new Date().toISOString(), ...(journal ? { journal } : {}), doc: ws };
  await writeFileAtomic(appliedPath(dir, ws.name), JSON.stringify(rec) + '\n', 0o600);
}

/**
 * The recorded workspace, or why there is none in one line. A record that no longer matches the schema (written by
 * another version) counts as none rather than stopping the plan.
 */
export async function loadApplied(dir: string, wsName: string): Promise<{ applied: AppliedWorkspace } | { none: string }> {
  const file = appliedPath(dir, wsName);
  let raw: string;
  try {
    raw = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { none: `no earlier apply of "${wsName}" is recorded in ${dir}` };
    throw e;
  }
  try {
    const j = JSON.parse(raw) as Partial<AppliedWorkspace>;
    const doc = loadWorkspace(JSON.stringify(j.doc ?? null), file, 'json');
    if (!doc.ok || typeof j.appliedAt !== 'string') return { none: `${file} is not a workspace record this version reads` };
    return { applied: { workspace: wsName, appliedAt: j.appliedAt, ...(j.journal ? { journal: j.journal } : {}), doc: doc.workspace } };
  } catch {
    return { none: `${file} is not a workspace record this version reads` };
  }
}

export type ReachSinceApplied =
  | { since: string; journal?: string; diff: ReachDiff }
  | { none: string };

/** Which flows the workspace opens or closes compared with the one last put in place (the plan's reach section). */
export async function reachSinceApplied(dir: string, ws: Workspace): Promise<ReachSinceApplied> {
  const r = await loadApplied(dir, ws.name);
  if ('none' in r) return r;
  return { since: r.applied.appliedAt, ...(r.applied.journal ? { journal: r.applied.journal } : {}), diff: diffReach(r.applied.doc, ws) };
}

export function formatReachSection(r: ReachSinceApplied): string {
  const head = 'Flows this change opens or closes';
  if ('none' in r) return `${head}: not known, ${r.none} (each completed apply records the workspace it put in place).\n`;
  const against = `against the workspace as last applied, ${r.since}`;
  if (isEmptyReachDiff(r.diff)) return `${head} (${against}): none of ${r.diff.flows} flows changes its verdict.\n`;
  return `${head} (${against}):\n${formatReachDiff(r.diff)}`;
}
