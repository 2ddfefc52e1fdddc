// Shared set-up for the end-to-end tests: the built renderer, Debian's Chromium, and where screenshots go.
import { existsSync, mkdirSync } from 'node:fs';
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';

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

/**
 * The bundle signing key an admin would bring, made by openssl (not by Junction): `signer.pfx` in `dir` with
 * `password` (sent to openssl through the environment, never on its command line), and the SHA-256 of its public
 * key as sha256sum computes it.
 */
export function opensslSigner(
  dir: string,
  cn: string,
  password: string,
): { pfx: string; fingerprint: string } {
  const env = { ...process.env, JPW: password };
  const [key, cert, pfx] = [join(dir, 'k.pem'), join(dir, 'c.pem'), join(dir, 'signer.pfx')];
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '7',
      '-subj',
      `/CN=${cn}`,
    ],
    { stdio: 'pipe' },
  );
  execFileSync(
    'openssl',
    ['pkcs12', '-export', '-inkey', key, '-in', cert, '-out', pfx, '-passout', 'env:JPW'],
    { stdio: 'pipe', env },
  );
  const spki = execFileSync('openssl', ['x509', '-in', cert, '-noout', '-pubkey']);
  const der = execFileSync('openssl', ['pkey', '-pubin', '-outform', 'DER'], { input: spki });
  return { pfx, fingerprint: execFileSync('sha256sum', { input: der }).toString().split(' ')[0]! };
}

/**
 * Topology redraws-from-resize since its last first paint: cytoscape redraws every element on a resize, so none may
 * follow unless the window changed (its ResizeObserver's first report, or a status attribute on its container).
 */
export async function resizesAfterPaint(page: Page, settleMs = 400): Promise<number> {
  await page.waitForTimeout(settleMs);
  return page.evaluate(() => {
    const painted = performance.getEntriesByName('junction:topology-painted').at(-1)?.startTime ?? Infinity;
    return performance.getEntriesByName('junction:topology-resize').filter((e) => e.startTime > painted).length;
  });
}
