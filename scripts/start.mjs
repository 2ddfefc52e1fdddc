// `npm start [workspace]`: the desktop console. Opens the embedded example unless a workspace is given.
// Where Electron's binary is missing (CI, air-gapped build hosts, `npm ci` without its download), it says so
// and serves the same console on loopback instead, printing the URL to open.
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
// `npm start [workspace] [--port N]`: the workspace goes to either front door; options only to `junction serve`.
const args = process.argv.slice(2);
const workspace = args[0] !== undefined && !args[0].startsWith('-') ? args[0] : undefined;

if (!existsSync(`${root}dist/renderer/index.html`) || !existsSync(`${root}dist/electron/main.js`)) {
  const b = spawnSync(process.execPath, [`${root}scripts/build.mjs`], { stdio: 'inherit', cwd: root });
  if (b.status !== 0) process.exit(b.status ?? 1);
}

/**
 * The Electron binary's path, or why there is none. Found the way the electron package's index.js finds it
 * (path.txt written by its install script, plus ELECTRON_OVERRIDE_DIST_PATH) without loading that file: when
 * the binary is missing it throws Electron's own advice ("delete node_modules/electron and try installing
 * again"), which would not help here, since the install script is off on purpose (package.json allowScripts).
 */
function electronBinary() {
  let dir;
  try {
    dir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return { reason: 'the electron package is not installed (run npm install)' };
  }
  const pathFile = join(dir, 'path.txt');
  const exe = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : undefined;
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const path = override ? join(override, exe || 'electron') : exe ? join(dir, 'dist', exe) : undefined;
  if (path && existsSync(path)) return { path };
  return {
    reason: path
      ? `Electron's binary is not at ${path}`
      : "Electron's binary is not installed: npm does not run its download script here (package.json allowScripts), " +
        'and an offline machine could not download it anyway',
  };
}

const electron = electronBinary();
if (electron.path) {
  const child = spawn(electron.path, [root, ...(workspace ? [workspace] : [])], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  process.stdout.write(
    `Junction: the desktop window cannot open: ${electron.reason}.\n` +
      'For the desktop app, see docs/desktop.md ("Packaging"): approve Electron\'s install script on a connected\n' +
      'machine, or unpack its release zip into node_modules/electron/dist.\n' +
      'Starting the browser console instead: the same console, served on 127.0.0.1 only. Open this URL:\n\n',
  );
  const child = spawn(
    process.execPath,
    [`${root}bin/junction.mjs`, 'serve', ...args],
    { stdio: 'inherit' },
  );
  const forward = (sig) => child.kill(sig);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('exit', (code) => process.exit(code ?? 0));
}
