// The CLI end to end, in-process: build the example workspace, verify with pinning, inspect, diff, write, and
// bring a receipt back into the workspace state.
import { describe, expect, it, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { runCli } from '../../electron/cli/main';
import type { CliIo } from '../../electron/cli/io';
import { makeTestKey, tempDir, type TestKey } from './helpers';

const EXAMPLE = join(process.cwd(), 'examples/contoso-hybrid.junction.json');

async function cli(args: string[], env: Record<string, string> = {}) {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => (out += t), err: (t) => (err += t), cwd: process.cwd(), env, isTTY: false };
  const code = await runCli(args, io);
  return { code, out, err };
}

let key: TestKey;
let work: string;
let bundle: string;
let fingerprint: string;

beforeAll(async () => {
  key = makeTestKey('CLI Signer');
  work = tempDir();
  bundle = join(work, 'contoso');
  const r = await cli(['bundle', 'build', EXAMPLE, '--out', bundle, '--sign-key', key.pfx, '--password-file', key.passwordFile, '--created-at', '2026-11-22T00:00:00Z']);
  expect(r.err).not.toContain('internal error');
  expect(r.code).toBe(0);
  fingerprint = /signer fingerprint: ([0-9A-F:]+)/.exec(r.out)![1]!.replace(/:/g, '').toLowerCase();
});

describe('junction bundle (CLI)', () => {
  it('builds the example workspace into a bundle that stock tools verify', () => {
    expect(spawnSync('sha256sum', ['--strict', '-c', 'SHA256SUMS'], { cwd: bundle }).status).toBe(0);
    expect(spawnSync('openssl', ['dgst', '-sha256', '-verify', 'signer.pem', '-signature', 'SHA256SUMS.sig', 'SHA256SUMS'], { cwd: bundle }).status).toBe(0);
    const manifest = JSON.parse(readFileSync(join(bundle, 'manifest.json'), 'utf8')) as { workspace: { sha256: string }; hosts: { steps: unknown[] }[] };
    expect(manifest.workspace.sha256).toBe(createHash('sha256').update(readFileSync(EXAMPLE)).digest('hex'));
    expect(manifest.hosts.length).toBeGreaterThan(1);
    expect(readFileSync(join(bundle, 'RUNBOOK.md'), 'utf8')).toContain(`bash verify.sh ${fingerprint}`);
  });

  it('refuses an unknown signer, pins it with --trust, then trusts it from the store', async () => {
    const state = tempDir();
    const refused = await cli(['bundle', 'verify', bundle, '--state-dir', state]);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('[signer-untrusted]');
    const pinned = await cli(['bundle', 'verify', bundle, '--state-dir', state, '--trust', fingerprint]);
    expect(pinned.code).toBe(0);
    expect(pinned.out).toContain('pinned signer');
    const again = await cli(['bundle', 'verify', bundle], { JUNCTION_STATE_DIR: state });
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/OK — bundle [0-9a-f]+/);
    const byCert = await cli(['bundle', 'verify', bundle, '--state-dir', tempDir(), '--trust-file', key.certPem, '--json']);
    expect(JSON.parse(byCert.out)).toMatchObject({ ok: true, pinned: true, signer: { fingerprint } });
  });

  it('refuses to unpack into an --extract folder that already exists, with the fix, not a crash', async () => {
    const existing = tempDir();
    const r = await cli(['bundle', 'verify', join(work, 'any.tar'), '--extract', existing, '--trust', fingerprint]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--extract .*already exists/);
    expect(r.err).toMatch(/name a folder that does not exist yet/);
    expect(r.err).not.toMatch(/internal error|EEXIST/);
  });

  it('inspects and diffs bundles', async () => {
    const ins = await cli(['bundle', 'inspect', bundle]);
    expect(ins.code).toBe(0);
    expect(ins.out).toContain('contoso-hybrid.junction.json');
    const edited = join(work, 'edited.junction.json');
    const ws = JSON.parse(readFileSync(EXAMPLE, 'utf8')) as { hosts: { name: string }[] };
    ws.hosts[0]!.name = `${ws.hosts[0]!.name}X`;
    writeFileSync(edited, JSON.stringify(ws, null, 2));
    const second = join(work, 'second.tar');
    const b = await cli(['bundle', 'build', edited, '--out', second, '--format', 'tar', '--sign-key', key.pfx, '--password-file', key.passwordFile]);
    expect(b.code, b.err).toBe(0);
    const same = await cli(['bundle', 'diff', bundle, bundle]);
    expect(same.code).toBe(0);
    const d = await cli(['bundle', 'diff', bundle, second, '--json']);
    expect(d.code).toBe(1);
    const diff = JSON.parse(d.out) as { workspaceChanged: boolean; files: { changed: unknown[] } };
    expect(diff.workspaceChanged).toBe(true);
  });

  it('writes to a folder with read-back, then imports the receipt idempotently', async () => {
    const media = tempDir('junction-media-');
    const w = await cli(['bundle', 'write', bundle, '--to', media]);
    expect(w.code, w.err).toBe(0);
    expect(w.out).toMatch(/read back: \d+ files .* match the source/);
    const onMedia = join(media, 'contoso');
    const manifest = JSON.parse(readFileSync(join(onMedia, 'manifest.json'), 'utf8')) as { bundleId: string; hosts: { host: string; steps: { step: number }[] }[] };
    const h = manifest.hosts.find((x) => x.steps.length >= 2)!;
    const rec = (step: number, code: number) =>
      JSON.stringify({ bundleId: manifest.bundleId, host: h.host, computer: 'FAR-01', step, started: '2026-11-23T09:00:00.000Z', finished: '2026-11-23T09:00:05.000Z', exitCode: code });
    mkdirSync(join(onMedia, 'receipt'), { recursive: true });
    appendFileSync(join(onMedia, 'receipt/apply-log.jsonl'), `\uFEFF${rec(h.steps[0]!.step, 0)}\n${rec(h.steps[1]!.step, 1)}\n{broken\n`);
    appendFileSync(join(onMedia, 'receipt/health.jsonl'), JSON.stringify({ host: h.host, checked: '2026-11-23T09:01:00Z', check: 'steps', ok: false }) + '\n');
    // The receipt does not disturb verification: receipt/ is outside the signed set.
    expect((await cli(['bundle', 'verify', onMedia, '--trust', fingerprint, '--state-dir', tempDir()])).code).toBe(0);
    const wsCopy = join(work, 'contoso.junction.json');
    cpSync(EXAMPLE, wsCopy);
    const imp = await cli(['receipt', 'import', onMedia, '--workspace', wsCopy]);
    expect(imp.code, imp.err).toBe(0);
    expect(imp.err).toContain(':3: not valid JSON');
    expect(imp.out).toContain('2 step run(s), 1 health record(s) new');
    const state = JSON.parse(readFileSync(join(work, 'contoso.state.json'), 'utf8')) as { runs: { result: string; computer: string }[] };
    expect(state.runs.map((r) => r.result)).toEqual(['succeeded', 'failed']);
    expect(state.runs[0]!.computer).toBe('FAR-01');
    const again = await cli(['receipt', 'import', onMedia, '--workspace', wsCopy]);
    expect(again.out).toContain('0 step run(s), 0 health record(s) new');
    const viaStateDir = await cli(['receipt', 'import', onMedia, '--state-dir', tempDir(), '--json']);
    expect(JSON.parse(viaStateDir.out).addedRuns).toBe(2);
  });

  it('explains bad input without a stack trace', async () => {
    const noKey = await cli(['bundle', 'build', EXAMPLE, '--out', join(work, 'x')]);
    expect(noKey.code).toBe(2);
    expect(noKey.err).toMatch(/--sign-key is required\n {2}fix:/);
    const badPw = join(work, 'bad-pw');
    writeFileSync(badPw, 'wrong');
    const wrong = await cli(['bundle', 'build', EXAMPLE, '--out', join(work, 'y'), '--sign-key', key.pfx, '--password-file', badPw]);
    expect(wrong.err).toMatch(/wrong password/);
    expect(wrong.err).not.toMatch(/\n\s+at /);
    const drive = await cli(['bundle', 'write', bundle, '--drive', work]);
    expect(drive.err).toContain('is not the mount point of a removable drive');
    const sub = await cli(['bundle', 'frobnicate']);
    expect(sub.err).toContain('one of: build, verify');
  });
});
