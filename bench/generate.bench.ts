// Lint + generate for the example and for a synthetic 10,000-host workspace (target: < 1 s at 10,000 hosts).
// Reference: JSON.stringify of the same workspace, measured in the same run, as a stock-tool baseline.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { loadWorkspace } from '../shared/model/load';
import { lintWorkspace } from '../shared/lint/engine';
import { generateAll } from '../shared/generate';
import type { Workspace } from '../shared/model/schema';

const text = readFileSync(fileURLToPath(new URL('../examples/contoso-hybrid.junction.json', import.meta.url)), 'utf8');
const loaded = loadWorkspace(text, 'example');
if (!loaded.ok) throw new Error('example does not load');
const example = loaded.workspace;

/** The example plus N gateway VMs with two default gateways, metrics and static routes each (seed 001). */
function synthetic(n: number): Workspace {
  const ws: Workspace = structuredClone(example);
  const template = ws.hosts.find((h) => h.id === 'gwvm01')!;
  for (let i = 0; i < n; i++) ws.hosts.push({ ...structuredClone(template), id: `gw-${i}`, name: `GW${i}` });
  return ws;
}

function time(label: string, f: () => unknown, runs = 3): number {
  let best = Infinity;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    f();
    best = Math.min(best, performance.now() - t0);
  }
  console.log(`${label.padEnd(44)} ${best.toFixed(1).padStart(8)} ms`);
  return best;
}

const now = new Date('2026-11-22T12:00:00Z');
time('example: lint + generate', () => {
  lintWorkspace(example, { now });
  generateAll(example);
});
const big = synthetic(10_000);
const g = generateAll(big);
console.log(`synthetic: ${big.hosts.length} hosts, ${g.files.length} files, ${(g.files.reduce((a, f) => a + f.content.length, 0) / 1e6).toFixed(1)} MB`);
const lintMs = time('10,000 hosts: lint', () => lintWorkspace(big, { now }), 1);
const genMs = time('10,000 hosts: generate', () => generateAll(big), 1);
const base = time('10,000 hosts: JSON.stringify (baseline)', () => JSON.stringify(big), 3);
console.log(`10,000 hosts: lint + generate = ${(lintMs + genMs).toFixed(0)} ms (target < 1000 ms); ${((lintMs + genMs) / base).toFixed(0)}x JSON.stringify`);
