// `junction stage plan` where GitHub cannot be reached: it says what it could not reach and stops there (no
// "total 0 B … fits"), and `--offline` lists from the workspace alone what fetch would bring.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../electron/cli/main';
import type { CliIo } from '../../electron/cli/io';
import { workspaceWith } from './helpers';

let dir: string;
let deadApi: string;

/** A loopback port nothing listens on: bound, then closed, so a connection is refused at once. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

function io(): { o: { out: string; err: string }; io: CliIo } {
  const o = { out: '', err: '' };
  return {
    o,
    io: { out: (t) => void (o.out += t), err: (t) => void (o.err += t), cwd: dir, env: {}, isTTY: false },
  };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'junction-stage-offline-'));
  const { text } = workspaceWith([
    { name: 'slurm', version: '3.0.9', repo: 'Azure/cyclecloud-slurm', tag: '3.0.9' },
    { name: 'pbspro', version: '2.0.21', repo: 'Azure/cyclecloud-pbspro', tag: '2.0.21' },
  ]);
  writeFileSync(join(dir, 'ws.junction.json'), text);
  writeFileSync(join(dir, 'tool.msi'), Buffer.alloc(1500));
  deadApi = `http://127.0.0.1:${await closedPort()}`;
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('stage plan without a network', () => {
  it('names what it could not reach and prints no total or "fits"', async () => {
    const r = io();
    const code = await runCli(
      ['stage', 'plan', 'ws.junction.json', '--api-base', deadApi, '--cache', 'cache', '--idle-timeout', '2'],
      r.io,
    );
    expect(code, r.o.out + r.o.err).toBe(1);
    expect(r.o.out).toMatch(/could not reach/);
    expect(r.o.out).toContain('slurm 3.0.9');
    expect(r.o.out).toContain('pbspro 2.0.21');
    expect(r.o.out).toContain('--offline');
    expect(r.o.out).not.toMatch(/fits|total 0 B/);
  });

  it('--json says the plan is incomplete instead of claiming it fits', async () => {
    const r = io();
    expect(
      await runCli(
        ['stage', 'plan', 'ws.junction.json', '--api-base', deadApi, '--cache', 'cache', '--json'],
        r.io,
      ),
    ).toBe(1);
    const j = JSON.parse(r.o.out) as {
      complete: boolean;
      fits: boolean | null;
      unreached: { project: string }[];
    };
    expect(j.complete).toBe(false);
    expect(j.fits).toBeNull();
    expect(j.unreached.map((u) => u.project)).toEqual(['slurm 3.0.9', 'pbspro 2.0.21']);
  });

  it('--offline lists every project, where it lands and the artifacts, from the workspace alone', async () => {
    const r = io();
    const code = await runCli(
      [
        'stage',
        'plan',
        'ws.junction.json',
        '--offline',
        '--api-base',
        deadApi,
        '--cache',
        'cache',
        '--artifact',
        'tool.msi',
        '--artifact',
        'https://example.invalid/x.zip',
      ],
      r.io,
    );
    expect(code, r.o.out + r.o.err).toBe(0);
    expect(r.o.out).toMatch(/slurm 3\.0\.9 {2}\(Azure\/cyclecloud-slurm@3\.0\.9\)/);
    expect(r.o.out).toContain('staging/cyclecloud/slurm/3.0.9/');
    expect(r.o.out).toContain('staging/cyclecloud/pbspro/blobs/');
    expect(r.o.out).toMatch(/artifact {2}tool\.msi {2}1\.5 KiB/);
    expect(r.o.out).toMatch(/artifact {2}x\.zip {2}size unknown/);
    expect(r.o.out).toMatch(/offline: sizes and missing blobs are known only to a plan that reaches/);
    expect(r.o.out).not.toMatch(/fits/);
  });
});
