// Set-up as a newcomer meets it: the Node lines every installed package supports, the one-line message for a
// missing Debian package, and `npm start` without Electron's binary speaking only Junction's words.
import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import semver from 'semver';
import {
  APT_LINE,
  SYSTEM_PACKAGES,
  missingMessage,
  missingSystemPackages,
} from '../../scripts/system-packages.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { node: string } };

describe('supported Node lines', () => {
  const range = pkg.engines.node;
  const lines = ['20.19.0', '22.13.0', '24.0.0'];

  it('engines names the machine line (20), the line Electron embeds (22) and the current line (24), and this Node is inside it', () => {
    for (const v of lines) expect(semver.satisfies(v, range), `${v} in ${range}`).toBe(true);
    expect(
      semver.satisfies(process.versions.node, range),
      `this Node ${process.versions.node} in ${range}`,
    ).toBe(true);
  });

  it('CI tests the Node line the pinned Electron embeds', () => {
    const v = readFileSync(join(root, '.ci/electron-node-version'), 'utf8').trim();
    expect(semver.major(v)).toBe(22);
    expect(semver.satisfies(v, range)).toBe(true);
  });

  it('no locked package asks for a Node outside those lines (npm install would warn EBADENGINE)', () => {
    const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { engines?: { node?: string } | string[]; optional?: boolean; os?: string[] }>;
    };
    const bad: string[] = [];
    for (const [path, p] of Object.entries(lock.packages)) {
      const want = p.engines && !Array.isArray(p.engines) ? p.engines.node : undefined;
      if (!path || !want || (p.optional && p.os && !p.os.includes('linux'))) continue;
      for (const v of lines)
        if (!semver.satisfies(v, want)) bad.push(`${path} needs node ${want}; Node ${v} is supported`);
    }
    expect(bad).toEqual([]);
  });
});

describe('system packages', () => {
  it('names each missing package, the tests it affects and the apt-get line, once each', () => {
    const present = new Set([
      '/usr/bin/openssl',
      '/usr/bin/unzip',
      '/usr/sbin/ip',
      '/usr/bin/dot',
      '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
    ]);
    const missing = missingSystemPackages({ PATH: '/usr/bin:/usr/sbin' }, (p: string) => present.has(p));
    expect(missing.map((m: { pkg: string }) => m.pkg)).toEqual(['shellcheck', 'chromium']);
    const lines = missingMessage(missing) as string[];
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^npm test: missing Debian package shellcheck .*generated \.sh.*Fix: apt-get install shellcheck\n$/,
    );
    expect(lines[1]).toMatch(/chromium.*test\/e2e/);
  });

  it('honours JUNCTION_CHROMIUM as the browser path', () => {
    const env = { PATH: '/usr/bin', JUNCTION_CHROMIUM: '/opt/chrome/chrome' };
    const all = new Set(
      SYSTEM_PACKAGES.map((p: { command?: string; file?: string }) => p.file ?? `/usr/bin/${p.command}`),
    );
    expect(missingSystemPackages(env, (p: string) => all.has(p)).map((m: { pkg: string }) => m.pkg)).toEqual([
      'chromium',
    ]);
    expect(missingSystemPackages(env, (p: string) => all.has(p) || p === '/opt/chrome/chrome')).toEqual([]);
  });

  it('`npm test` prints one line per missing package at the start and goes on (the real script, a bare PATH)', () => {
    const bin = mkdtempSync(join(tmpdir(), 'junction-path-'));
    for (const c of ['openssl', 'unzip', 'ip', 'chromium', 'dot']) {
      writeFileSync(join(bin, c), '#!/bin/sh\n');
      chmodSync(join(bin, c), 0o755);
    }
    const r = spawnSync(process.execPath, [join(root, 'scripts/check-system.mjs')], {
      env: { PATH: bin },
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    expect(r.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^npm test: missing Debian package shellcheck /),
    ]);
  });

  it('README gives the same apt-get line as the check and CI use', () => {
    expect(readFileSync(join(root, 'README.md'), 'utf8')).toContain(APT_LINE);
  });
});

describe('npm start without Electrons binary', () => {
  it('prints only Junction\u2019s words: why, what to do for the desktop app, and the browser URL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'junction-start-'));
    const data = join(dir, 'data');
    mkdirSync(data);
    const child = spawn(
      process.execPath,
      [join(root, 'scripts/start.mjs'), join(root, 'examples/contoso-hybrid.junction.json'), '--port', '0'],
      {
        cwd: root,
        env: {
          ...process.env,
          JUNCTION_USER_DATA: data,
          ELECTRON_OVERRIDE_DIST_PATH: join(dir, 'no-electron'),
        },
      },
    );
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    try {
      await expect.poll(() => out, { timeout: 20_000 }).toMatch(/http:\/\/127\.0\.0\.1:\d+\/#token=/);
    } finally {
      child.kill('SIGTERM');
    }
    expect(out).toMatch(/^Junction: the desktop window cannot open: Electron's binary is not at /);
    expect(out).toContain('docs/desktop.md');
    expect(out).not.toMatch(/failed to install correctly|try installing again/i);
  });
});
