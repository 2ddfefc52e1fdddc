// What changed between two bundles: the question an admin asks before carrying a second stick across the gap.
import type { Manifest, StepEntry } from './manifest';
import { comparePaths } from './paths';
import { formatReachDiff, isEmptyReachDiff, type ReachDiff } from '../reach/diff';

export interface FileChange {
  path: string;
  before?: { size: number; sha256: string; role: string };
  after?: { size: number; sha256: string; role: string };
}
export interface StepChange {
  host: string;
  step: number;
  before?: StepEntry;
  after?: StepEntry;
  /** Why a step counts as changed: its definition, or the content of a file it runs or reads. */
  reasons?: string[];
}
export interface ManifestDiff {
  workspaceChanged: boolean;
  files: { added: FileChange[]; removed: FileChange[]; changed: FileChange[] };
  steps: { added: StepChange[]; removed: StepChange[]; changed: StepChange[] };
  /** What the change opens or closes, when the two bundles' workspaces were given (bundles do not carry them). */
  reach?: ReachDiff;
}

export function diffManifests(a: Manifest, b: Manifest): ManifestDiff {
  const fa = new Map(a.files.map((f) => [f.path, f]));
  const fb = new Map(b.files.map((f) => [f.path, f]));
  const brief = (f: { size: number; sha256: string; role: string }) => ({ size: f.size, sha256: f.sha256, role: f.role });
  const files: ManifestDiff['files'] = { added: [], removed: [], changed: [] };
  for (const p of [...new Set([...fa.keys(), ...fb.keys()])].sort(comparePaths)) {
    const x = fa.get(p);
    const y = fb.get(p);
    if (!x && y) files.added.push({ path: p, after: brief(y) });
    else if (x && !y) files.removed.push({ path: p, before: brief(x) });
    else if (x && y && (x.sha256 !== y.sha256 || x.role !== y.role)) files.changed.push({ path: p, before: brief(x), after: brief(y) });
  }
  const changedPaths = new Set([...files.changed, ...files.added, ...files.removed].map((c) => c.path));
  const key = (h: string, s: number) => `${h}\u0000${s}`;
  const sa = new Map(a.hosts.flatMap((h) => h.steps.map((s) => [key(h.host, s.step), { host: h.host, s }] as const)));
  const sb = new Map(b.hosts.flatMap((h) => h.steps.map((s) => [key(h.host, s.step), { host: h.host, s }] as const)));
  const steps: ManifestDiff['steps'] = { added: [], removed: [], changed: [] };
  const keys = [...new Set([...sa.keys(), ...sb.keys()])].sort();
  for (const k of keys) {
    const x = sa.get(k);
    const y = sb.get(k);
    if (!x && y) steps.added.push({ host: y.host, step: y.s.step, after: y.s });
    else if (x && !y) steps.removed.push({ host: x.host, step: x.s.step, before: x.s });
    else if (x && y) {
      const reasons: string[] = [];
      if (x.s.title !== y.s.title) reasons.push('title');
      if (x.s.script !== y.s.script) reasons.push('script path');
      if (JSON.stringify(x.s.files) !== JSON.stringify(y.s.files)) reasons.push('file list');
      if (JSON.stringify(x.s.needs) !== JSON.stringify(y.s.needs)) reasons.push('needs');
      if ((x.s.check ?? '') !== (y.s.check ?? '')) reasons.push('check');
      for (const p of [y.s.script, ...y.s.files]) if (changedPaths.has(p)) reasons.push(`content of ${p}`);
      if (reasons.length) steps.changed.push({ host: y.host, step: y.s.step, before: x.s, after: y.s, reasons });
    }
  }
  return { workspaceChanged: a.workspace.sha256 !== b.workspace.sha256, files, steps };
}

export function formatDiff(d: ManifestDiff): string {
  const out: string[] = [];
  out.push(d.workspaceChanged ? 'workspace: changed' : 'workspace: same');
  const f = d.files;
  out.push(`files: ${f.added.length} added, ${f.removed.length} removed, ${f.changed.length} changed`);
  for (const c of f.added) out.push(`  + ${c.path} (${c.after!.size} bytes)`);
  for (const c of f.removed) out.push(`  - ${c.path}`);
  for (const c of f.changed) out.push(`  ~ ${c.path} (${c.before!.size} → ${c.after!.size} bytes)`);
  const s = d.steps;
  out.push(`steps: ${s.added.length} added, ${s.removed.length} removed, ${s.changed.length} changed`);
  for (const c of s.added) out.push(`  + ${c.host} step ${c.step}: ${c.after!.title}`);
  for (const c of s.removed) out.push(`  - ${c.host} step ${c.step}: ${c.before!.title}`);
  for (const c of s.changed) out.push(`  ~ ${c.host} step ${c.step}: ${c.after!.title} (${c.reasons!.join(', ')})`);
  return out.join('\n') + '\n' + (d.reach ? formatReachDiff(d.reach) : '');
}

export function isEmptyDiff(d: ManifestDiff): boolean {
  return !d.workspaceChanged && [...Object.values(d.files), ...Object.values(d.steps)].every((l) => l.length === 0) && (!d.reach || isEmptyReachDiff(d.reach));
}
