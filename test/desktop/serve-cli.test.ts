// `junction serve` as an admin runs it: the built CLI in its own process, talking real HTTP on loopback.
import { afterEach, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exampleWorkspacePath } from '../../electron/services/paths';

const root = fileURLToPath(new URL('../..', import.meta.url));
let child: ChildProcess | undefined;
afterEach(() => {
  if (child && child.exitCode === null) child.kill('SIGTERM');
});

function built(): void {
  if (existsSync(`${root}dist/renderer/index.html`) && existsSync(`${root}dist/cli.js`)) return;
  const r = spawnSync(process.execPath, [`${root}scripts/build.mjs`], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
}

describe('junction serve', () => {
  it('prints a tokened loopback URL, serves the console and answers the contract for the given workspace', async () => {
    built();
    const env = { ...process.env, JUNCTION_USER_DATA: mkdtempSync(join(tmpdir(), 'junction-serve-')) };
    child = spawn(process.execPath, [`${root}bin/junction.mjs`, 'serve', exampleWorkspacePath()], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const url = await new Promise<string>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no URL printed: ${out}`)), 15_000);
      child!.stdout!.on('data', (d) => {
        out += d;
        const m = /Open: (http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]+)/.exec(out);
        if (m) {
          clearTimeout(t);
          resolve(m[1]!);
        }
      });
    });
    const u = new URL(url);
    const token = u.hash.slice('#token='.length);
    const page = await fetch(u.origin + '/');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');
    const startup = await fetch(`${u.origin}/api/workspace.startup`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: '{}',
    });
    expect(await startup.json()).toEqual({ ok: true, result: { path: exampleWorkspacePath() } });
    const denied = await fetch(`${u.origin}/api/app.info`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(denied.status).toBe(403);
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child!.on('exit', (c) => r(c)));
    expect(code).toBe(0);
  });

  it('rejects a bad --port with the fix', () => {
    built();
    const r = spawnSync(process.execPath, [`${root}bin/junction.mjs`, 'serve', '--port', 'http'], {
      encoding: 'utf8',
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/--port: "http" is not a port/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
