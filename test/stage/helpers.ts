import { readFileSync } from 'node:fs';
import { loadWorkspace } from '../../shared/model/load';
import type { Workspace } from '../../shared/model/schema';

export const EXAMPLE = 'examples/contoso-hybrid.junction.json';

/** The example workspace with its CycleCloud projects replaced; returns the JSON text too, for CLI tests. */
export function workspaceWith(projects: { name: string; version: string; repo: string; tag: string }[]): { ws: Workspace; text: string } {
  const doc = JSON.parse(readFileSync(EXAMPLE, 'utf8')) as { cycleCloud: { projects: unknown[] }[] };
  doc.cycleCloud[0]!.projects = projects.map((p) => ({ name: p.name, version: p.version, source: { type: 'github', repo: p.repo, tag: p.tag } }));
  const text = JSON.stringify(doc, null, 2);
  const r = loadWorkspace(text, 'test.junction.json');
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return { ws: r.workspace, text };
}
