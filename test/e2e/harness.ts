// Shared set-up for the end-to-end tests: the built renderer, Debian's Chromium, and where screenshots go.
import { existsSync, mkdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const RENDERER = `${ROOT}dist/renderer`;
export const SHOTS = `${ROOT}test-results/screenshots`;
export const CHROMIUM = process.env.JUNCTION_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

/** `npm test` builds first (pretest); a direct `vitest run test/e2e` builds here if needed. */
export function ensureBuilt(): void {
  if (existsSync(`${RENDERER}/index.html`) && existsSync(`${ROOT}dist/electron/main.js`)) return;
  const r = spawnSync(process.execPath, [`${ROOT}scripts/build.mjs`], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`build failed: ${r.stderr}`);
}

export function shotPath(name: string): string {
  mkdirSync(SHOTS, { recursive: true });
  return `${SHOTS}/${name}.png`;
}

/** Chromium is a CI dependency (.ci/run installs it); elsewhere its absence is reported as a skip, with the reason. */
export function chromiumMissing(): string | undefined {
  if (existsSync(CHROMIUM)) return undefined;
  const reason = `Chromium not found at ${CHROMIUM} (apt-get install chromium, or set JUNCTION_CHROMIUM)`;
  if (process.env.CI) throw new Error(reason);
  return reason;
}
