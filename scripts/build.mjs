// Builds the Node side (CLI; later the Electron main/preload and the web host) with esbuild. Dependencies stay
// external: they are installed beside dist/ in both the repository and the packaged app.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
  define: { __JUNCTION_VERSION__: JSON.stringify(pkg.version) },
};

await build({ ...common, entryPoints: { cli: 'electron/cli/entry.ts' }, outdir: 'dist' });
