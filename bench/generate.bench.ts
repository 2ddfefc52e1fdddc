// Lint + generate for the example and for a synthetic 10,000-host workspace (target: < 1 s at 10,000 hosts).
// Measured on the code as it ships: bundled by esbuild the way scripts/build.mjs bundles the CLI (tsx, which
// runs the other benches, wraps every closure in a keep-names helper that costs ~10% here). Median of 5 runs
// after a warm-up; JSON.stringify of the same workspace, in the same run, is the stock-tool reference.
import { readFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { build } from 'esbuild';
import type { Workspace } from '../shared/model/schema';
import type * as BenchApi from './bench-api';

const root = fileURLToPath(new URL('..', import.meta.url));
mkdirSync(`${root}dist/bench`, { recursive: true });
const outfile = `${root}dist/bench/generate-bench.mjs`;
await build({
  stdin: {
    contents: `export { loadWorkspace } from './shared/model/load';\nexport { lintWorkspace } from './shared/lint/engine';\nexport { generateAll } from './shared/generate';\n`,
    resolveDir: root,
    loader: 'ts',
  },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  outfile,
  logLevel: 'error',
});
const { loadWorkspace, lintWorkspace, generateAll } = (await import(pathToFileURL(outfile).href)) as typeof BenchApi;

const text = readFileSync(`${root}examples/contoso-hybrid.junction.json`, 'utf8');
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

function median(label: string, f: () => unknown, runs = 5): number {
  f(); // warm-up
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    f();
    times.push(performance.now() - t0);
  }
  const m = times.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
  console.log(`${label.padEnd(44)} ${m.toFixed(1).padStart(8)} ms  (median of ${runs})`);
  return m;
}

const now = new Date('2026-11-22T12:00:00Z');
median('example: lint + generate', () => {
  lintWorkspace(example, { now });
  generateAll(example);
});
const big = synthetic(10_000);
const g = generateAll(big);
const mb = g.files.reduce((a, f) => a + f.content.length, 0) / 1e6;
console.log(`synthetic: ${big.hosts.length} hosts, ${g.files.length} files, ${mb.toFixed(1)} MB of scripts + ${(g.runbook.length / 1e6).toFixed(1)} MB runbook`);
const lintMs = median('10,000 hosts: lint', () => lintWorkspace(big, { now }));
const genMs = median('10,000 hosts: generate', () => generateAll(big));
const base = median('10,000 hosts: JSON.stringify (reference)', () => JSON.stringify(big));
const total = lintMs + genMs;
console.log(
  `10,000 hosts: lint + generate = ${total.toFixed(0)} ms (target < 1000 ms: ${total < 1000 ? 'MET' : 'MISSED'}); ${(total / base).toFixed(0)}x JSON.stringify`,
);
