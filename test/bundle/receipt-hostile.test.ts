// `junction receipt import` on media that comes back from outside: a FIFO, a device or a symlink anywhere on the
// receipt's path, or a log far larger than any apply run writes, is refused quickly with the file and the reason.
// The CLI runs in its own process with a timeout, so a hang is a failure rather than a stuck test run.
import { describe, expect, it, beforeAll } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
  cpSync,
  rmSync,
} from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildBundle } from '../../electron/bundle/build';
import { readRegularFile, readRegularLines, SafeReadError } from '../../electron/bundle/safe-read';
import { makeTestKey, sampleInput, signerFor, tempDir } from './helpers';

const root = fileURLToPath(new URL('../..', import.meta.url));
let bundle: string;
let manifest: { bundleId: string; hosts: { host: string; steps: { step: number }[] }[] };

function built(): void {
  if (existsSync(`${root}dist/cli.js`)) return;
  const r = spawnSync(process.execPath, [`${root}scripts/build.mjs`, 'cli'], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
}

beforeAll(async () => {
  built();
  const signer = await signerFor(makeTestKey('Receipt Sender'));
  bundle = join(tempDir(), 'b');
  await buildBundle(sampleInput(), {
    signer,
    junctionVersion: '0.1.0',
    out: bundle,
    format: 'dir',
    createdAt: '2026-11-22T00:00:00.000Z',
  });
  manifest = JSON.parse(readFileSync(join(bundle, 'manifest.json'), 'utf8'));
}, 60_000);

function record(): string {
  const h = manifest.hosts.find((x) => x.steps.length)!;
  return JSON.stringify({
    bundleId: manifest.bundleId,
    host: h.host,
    step: h.steps[0]!.step,
    started: '2026-11-23T09:00:00Z',
    finished: '2026-11-23T09:00:05Z',
    exitCode: 0,
  });
}

function media(): string {
  const m = join(tempDir('junction-media-'), 'b');
  cpSync(bundle, m, { recursive: true });
  // A built bundle carries an empty receipt/ folder; each case lays out its own.
  rmSync(join(m, 'receipt'), { recursive: true, force: true });
  return m;
}

/** The CLI in a child process: at most 20 s, then it counts as hung. */
function importReceipt(m: string): {
  status: number | null;
  out: string;
  err: string;
  stateDir: string;
  timedOut: boolean;
} {
  const stateDir = tempDir('junction-state-');
  const r = spawnSync(
    process.execPath,
    [`${root}bin/junction.mjs`, 'receipt', 'import', m, '--state-dir', stateDir],
    { encoding: 'utf8', timeout: 20_000, killSignal: 'SIGKILL' },
  );
  return { status: r.status, out: r.stdout, err: r.stderr, stateDir, timedOut: r.signal === 'SIGKILL' };
}

function refused(r: ReturnType<typeof importReceipt>, file: RegExp, reason: RegExp): void {
  expect(r.timedOut, 'receipt import hung').toBe(false);
  expect(r.status, r.err).toBe(2);
  expect(r.err).toMatch(file);
  expect(r.err).toMatch(reason);
  expect(r.err).not.toMatch(/internal error|\n\s+at /);
  // Nothing from a refused receipt reaches the state.
  expect(existsSync(join(r.stateDir, 'state'))).toBe(false);
}

describe('receipt import on hostile media (finding 3)', () => {
  it('a plain receipt still imports', () => {
    const m = media();
    mkdirSync(join(m, 'receipt'));
    writeFileSync(join(m, 'receipt/apply-log.jsonl'), record() + '\n');
    const r = importReceipt(m);
    expect(r.status, r.err).toBe(0);
    expect(r.out).toContain('1 step run(s)');
  });

  it('refuses a FIFO at receipt/apply-log.jsonl instead of waiting for a writer forever', () => {
    const m = media();
    mkdirSync(join(m, 'receipt'));
    execFileSync('mkfifo', [join(m, 'receipt/apply-log.jsonl')]);
    refused(importReceipt(m), /receipt\/apply-log\.jsonl/, /FIFO/);
  });

  it('refuses a FIFO in place of manifest.json', () => {
    const m = media();
    execFileSync('rm', [join(m, 'manifest.json')]);
    execFileSync('mkfifo', [join(m, 'manifest.json')]);
    refused(importReceipt(m), /manifest\.json/, /FIFO/);
  });

  it('refuses receipt/ as a symlink to an outside folder and imports none of its records', () => {
    const outside = tempDir('junction-outside-');
    writeFileSync(join(outside, 'apply-log.jsonl'), record() + '\n');
    const m = media();
    symlinkSync(outside, join(m, 'receipt'));
    refused(importReceipt(m), /receipt/, /symbolic link/);
  });

  it('refuses a symlinked apply log', () => {
    const outside = join(tempDir('junction-outside-'), 'log.jsonl');
    writeFileSync(outside, record() + '\n');
    const m = media();
    mkdirSync(join(m, 'receipt'));
    symlinkSync(outside, join(m, 'receipt/apply-log.jsonl'));
    refused(importReceipt(m), /receipt\/apply-log\.jsonl/, /symbolic link/);
  });

  it('refuses a 600 MB apply log by its size, without reading it into memory', () => {
    const m = media();
    mkdirSync(join(m, 'receipt'));
    const f = join(m, 'receipt/apply-log.jsonl');
    // Sparse: costs no disk, but reading it whole as a string fails with "Invalid string length".
    closeSync(openSync(f, 'w'));
    execFileSync('truncate', ['-s', '600M', f]);
    refused(importReceipt(m), /receipt\/apply-log\.jsonl/, /more than the \d+ bytes allowed/);
  });

  it('refuses a health report that is a FIFO', () => {
    const m = media();
    mkdirSync(join(m, 'receipt/health'), { recursive: true });
    writeFileSync(join(m, 'receipt/apply-log.jsonl'), record() + '\n');
    execFileSync('mkfifo', [join(m, 'receipt/health/GW01.json')]);
    refused(importReceipt(m), /receipt\/health\/GW01\.json/, /FIFO/);
  });
});

describe('safe-read helpers', () => {
  it('streams lines with their numbers and refuses an over-long line by number', async () => {
    const d = tempDir();
    writeFileSync(join(d, 'a.jsonl'), 'one\r\ntwo\n\nfour');
    const lines: string[] = [];
    for await (const l of readRegularLines(d, 'a.jsonl', { maxBytes: 1000, maxLineBytes: 100 }))
      lines.push(`${l.lineNo}:${l.line}`);
    expect(lines).toEqual(['1:one', '2:two', '3:', '4:four']);
    writeFileSync(join(d, 'b.jsonl'), `ok\n${'x'.repeat(200_000)}\n`);
    const read = async () => {
      for await (const _ of readRegularLines(d, 'b.jsonl', { maxBytes: 1 << 20, maxLineBytes: 1000 })) void _;
    };
    await expect(read()).rejects.toThrow(/b\.jsonl:2: line is longer than 1000 bytes/);
  });

  it('reads a small regular file, refuses a larger one and says nothing exists for a missing one', async () => {
    const d = tempDir();
    writeFileSync(join(d, 'f'), 'hello');
    expect((await readRegularFile(d, 'f', 5))?.toString()).toBe('hello');
    await expect(readRegularFile(d, 'f', 4)).rejects.toBeInstanceOf(SafeReadError);
    expect(await readRegularFile(d, 'missing', 4)).toBeUndefined();
  });
});

describe('the console imports a single far-side report from the media', () => {
  it('refuses a FIFO report with its name instead of waiting on it', async () => {
    const { createHost, dispatch, memorySettings } = await import('../../electron/services/host');
    const api = createHost({ frontDoor: 'test', settings: memorySettings() });
    const example = join(root, 'examples/contoso-hybrid.junction.json');
    const dir = tempDir();
    const fifo = join(dir, 'GW01-20261123T090000Z.json');
    execFileSync('mkfifo', [fifo]);
    const call = dispatch(api, 'health.importReport', {
      fileName: 'contoso-hybrid.junction.json',
      text: readFileSync(example, 'utf8'),
      workspace: join(dir, 'ws.junction.json'),
      path: fifo,
    });
    const hung = new Promise((resolve) => setTimeout(() => resolve('hung'), 10_000));
    const e = await Promise.race([
      call.then(
        () => 'imported',
        (x: unknown) => x,
      ),
      hung,
    ]);
    expect(e).toMatchObject({ code: 'bad-request' });
    expect((e as Error).message).toMatch(/GW01-20261123T090000Z\.json: is a FIFO/);
  });
});
