// Memory and time to load a workspace at the size cap (MAX_WORKSPACE_BYTES, shared/model/load.ts), in a fresh
// process each, so the peak resident set (maxRSS) is the load's own. Reference in the same run: JSON.parse of the
// same bytes, also in a fresh process. The loader is bundled by esbuild as the CLI ships it.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import type * as LoadApi from '../shared/model/load';

const root = fileURLToPath(new URL('..', import.meta.url));
mkdirSync(`${root}dist/bench`, { recursive: true });
const bundle = `${root}dist/bench/load-bench.mjs`;
await build({
  stdin: { contents: `export * from './shared/model/load';\n`, resolveDir: root, loader: 'ts' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  outfile: bundle,
  logLevel: 'error',
});
const { MAX_WORKSPACE_BYTES, loadWorkspaceBytes } = (await import(pathToFileURL(bundle).href)) as typeof LoadApi;

/** The example plus as many copies of a gateway VM as fit under the cap, pretty-printed as an editor saves it. */
function atCap(): Buffer {
  const raw = JSON.parse(readFileSync(`${root}examples/contoso-hybrid.junction.json`, 'utf8'));
  const template = raw.hosts.find((h: { id: string }) => h.id === 'gwvm01');
  const base = Buffer.byteLength(JSON.stringify(raw, null, 2));
  const add = (from: number, to: number) => {
    for (let i = from; i < to; i++) raw.hosts.push({ ...structuredClone(template), id: `gw-${i}`, name: `GW${i}` });
  };
  add(0, 1000);
  const one = (Buffer.byteLength(JSON.stringify(raw, null, 2)) - base) / 1000;
  add(1000, Math.floor((MAX_WORKSPACE_BYTES - base) / one) - 50);
  const text = Buffer.from(JSON.stringify(raw, null, 2) + '\n');
  if (text.length > MAX_WORKSPACE_BYTES) throw new Error('synthetic workspace over the cap');
  return text;
}

const CHILD = `
const { readFileSync } = await import('node:fs');
const [mode, file, bundle] = process.argv.slice(1);
const before = process.resourceUsage().maxRSS;
const bytes = readFileSync(file);
const t0 = performance.now();
let ok;
if (mode === 'load') ok = (await import(bundle)).loadWorkspaceBytes(bytes, file).ok;
else ok = JSON.parse(bytes.toString('utf8')) !== undefined;
const ms = performance.now() - t0;
console.log(JSON.stringify({ ok, ms, before: before * 1024, peak: process.resourceUsage().maxRSS * 1024 }));
`;

function measure(mode: 'load' | 'json', file: string): { ok: boolean; ms: number; before: number; peak: number } {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', CHILD, mode, file, pathToFileURL(bundle).href], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

const file = `${root}dist/bench/at-cap.junction.json`;
const text = atCap();
writeFileSync(file, text);
const check = loadWorkspaceBytes(text, file);
if (!check.ok) throw new Error(`synthetic workspace does not load: ${JSON.stringify(check.problems.slice(0, 2))}`);
console.log(`workspace at the cap: ${(text.length / 1048576).toFixed(1)} MiB (cap ${MAX_WORKSPACE_BYTES / 1048576} MiB), ${check.workspace.hosts.length} hosts`);
const mib = (b: number) => (b / 1048576).toFixed(0);
const runs = (mode: 'load' | 'json') => {
  const rs = [measure(mode, file), measure(mode, file), measure(mode, file)].sort((a, b) => a.peak - b.peak);
  return rs[1]!;
};
const load = runs('load');
const json = runs('json');
console.log(`loadWorkspaceBytes: peak RSS ${mib(load.peak)} MiB (process start ${mib(load.before)} MiB), ${load.ms.toFixed(0)} ms  (median of 3 processes)`);
console.log(`JSON.parse (reference): peak RSS ${mib(json.peak)} MiB (process start ${mib(json.before)} MiB), ${json.ms.toFixed(0)} ms`);
/** The bound docs/workspace.md states for a load at the cap. */
const BOUND_MIB = 512;
console.log(`peak RSS at the cap ${mib(load.peak)} MiB (stated bound ${BOUND_MIB} MiB: ${load.peak < BOUND_MIB * 1048576 ? 'MET' : 'MISSED'})`);
console.log(
  `load at the cap: ${mib(load.peak - load.before)} MiB over process start, ${((load.peak - load.before) / (json.peak - json.before)).toFixed(1)}x JSON.parse's; ${(load.ms / json.ms).toFixed(0)}x its time`,
);
