// Builds everything with esbuild and Vite: the CLI (which also hosts `junction serve`), the Electron main process
// (ESM), the sandboxed preload (a self-contained CommonJS bundle: sandboxed preloads cannot load ES modules or
// node_modules), and the React renderer into dist/renderer. Node dependencies stay external: they are installed
// beside dist/ in both the repository and the packaged app.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const root = fileURLToPath(new URL('..', import.meta.url));
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
  absWorkingDir: root,
  define: { __JUNCTION_VERSION__: JSON.stringify(pkg.version) },
};

const only = process.argv.slice(2);
const want = (part) => only.length === 0 || only.includes(part);

const jobs = [];
if (want('cli'))
  jobs.push(build({ ...common, entryPoints: { cli: 'electron/cli/entry.ts' }, outdir: 'dist' }));
if (want('electron')) {
  jobs.push(
    build({
      ...common,
      entryPoints: { main: 'electron/main/main.ts' },
      outdir: 'dist/electron',
      external: ['electron'],
    }),
  );
  jobs.push(
    build({
      ...common,
      entryPoints: { preload: 'electron/preload/preload.ts' },
      outExtension: { '.js': '.cjs' },
      outdir: 'dist/electron',
      format: 'cjs',
      packages: undefined,
      external: ['electron'],
      target: 'chrome130',
      minify: true,
    }),
  );
}
await Promise.all(jobs);

if (want('renderer')) {
  const { build: viteBuild } = await import('vite');
  await viteBuild({
    root: `${root}renderer`,
    base: './',
    configFile: false,
    logLevel: 'warn',
    publicDir: false,
    oxc: { jsx: { runtime: 'automatic' } },
    build: {
      outDir: `${root}dist/renderer`,
      emptyOutDir: true,
      target: 'chrome120',
      sourcemap: false,
      minify: process.env.JUNCTION_NO_MINIFY !== '1',
      chunkSizeWarningLimit: 2000,
      // No inline scripts or data: modules: the CSP allows 'self' only.
      assetsInlineLimit: 0,
      modulePreload: { polyfill: false },
      rolldownOptions: { checks: { pluginTimings: false } },
    },
    worker: { format: 'es' },
  });
}
