// Test helpers around the embedded example: a fresh raw copy to plant mistakes in, and a loader that fails loudly.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadWorkspace } from '../../shared/model/load';
import type { Workspace } from '../../shared/model/schema';

export const EXAMPLE_PATH = fileURLToPath(
  new URL('../../examples/contoso-hybrid.junction.json', import.meta.url),
);
export const EXAMPLE_TEXT = readFileSync(EXAMPLE_PATH, 'utf8');
/** Lint time fixed so certificate expiry does not make the suite a time bomb. */
export const FIXED_NOW = new Date('2026-11-22T12:00:00Z');

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Raw = any;

export function rawExample(): Raw {
  return JSON.parse(EXAMPLE_TEXT);
}

export function load(raw: Raw, file = 'planted.junction.json'): Workspace {
  const r = loadWorkspace(JSON.stringify(raw, null, 2), file);
  if (!r.ok) throw new Error(`fixture does not load: ${JSON.stringify(r.problems, null, 2)}`);
  return r.workspace;
}

export function byId<T extends { id: string }>(items: T[], id: string): T {
  const hit = items.find((x) => x.id === id);
  if (!hit) throw new Error(`no ${id} in fixture`);
  return hit;
}
