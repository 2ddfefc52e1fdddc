// `npm start [workspace]`: the desktop console. Opens the embedded example unless a workspace is given.
// Where Electron's binary is missing (CI, air-gapped build hosts, `npm ci` without its download), it says so
// and serves the same console on loopback instead, printing the URL to open.
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const workspace = process.argv[2];

if (!existsSync(`${root}dist/renderer/index.html`) || !existsSync(`${root}dist/electron/main.js`)) {
  const b = spawnSync(process.execPath, [`${root}scripts/build.mjs`], { stdio: 'inherit', cwd: root });
  if (b.status !== 0) process.exit(b.status ?? 1);
}

/** The Electron binary's path, or why there is none (the electron package throws when its download is missing). */
function electronBinary() {
  try {
    const path = createRequire(import.meta.url)('electron');
    if (typeof path === 'string' && existsSync(path)) return { path };
    return { reason: `the Electron binary is not at ${String(path)}` };
  } catch (e) {
    return { reason: String(e?.message ?? e).split('\n')[0] };
  }
}

const electron = electronBinary();
if (electron.path) {
  const child = spawn(electron.path, [root, ...(workspace ? [workspace] : [])], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  process.stdout.write(
    `Junction: Electron is not available here (${electron.reason}).\n` +
      'Starting browser mode instead: the same console, served on 127.0.0.1 only.\n\n',
  );
  const child = spawn(
    process.execPath,
    [`${root}bin/junction.mjs`, 'serve', ...(workspace ? [workspace] : [])],
    { stdio: 'inherit' },
  );
  const forward = (sig) => child.kill(sig);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('exit', (code) => process.exit(code ?? 0));
}
