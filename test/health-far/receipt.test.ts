// A far-side report written by collect-health.sh onto a built bundle comes back with `junction receipt import`:
// recorded in the workspace state and appended to the health history as source "far-side", once.
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { join } from 'node:path';
import { runCli } from '../../electron/cli/main';
import type { CliIo } from '../../electron/cli/io';
import { renderCollectHealthSh } from '../../shared/health/index';
import { readHistory } from '../../electron/health/history';
import type { WorkspaceState } from '../../shared/bundle/receipt';
import { makeTestKey, tempDir } from '../bundle/helpers';

async function cli(args: string[]) {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => (out += t), err: (t) => (err += t), cwd: process.cwd(), env: {}, isTTY: false };
  const code = await runCli(args, io);
  return { code, out, err };
}

let server: Server;
let port: number;
let work: string;
let ws: string;
let bundle: string;
let fingerprint: string;

beforeAll(async () => {
  server = createServer((c) => (c.on('error', () => undefined), c.end()));
  port = await new Promise<number>((res) => server.listen(0, '127.0.0.1', () => res((server.address() as AddressInfo).port)));
  work = tempDir('junction-far-receipt-');
  ws = join(work, 'contoso.junction.json');
  copyFileSync('examples/contoso-hybrid.junction.json', ws);
  const key = makeTestKey('Far Side Signer');
  bundle = join(work, 'bundle');
  const r = await cli(['bundle', 'build', ws, '--out', bundle, '--sign-key', key.pfx, '--password-file', key.passwordFile]);
  expect(r.code, r.err).toBe(0);
  fingerprint = /signer fingerprint: ([0-9A-F:]+)/.exec(r.out)![1]!.replace(/:/g, '').toLowerCase();
});

afterAll(() => server.close());

describe('far-side health through the receipt', () => {
  it('every bundle carries both collect-health scripts with role health, and the runbook says how to run them', () => {
    const m = JSON.parse(readFileSync(join(bundle, 'manifest.json'), 'utf8')) as { files: { path: string; role: string }[] };
    expect(m.files.filter((f) => f.role === 'health').map((f) => f.path).sort()).toEqual(['files/health/collect-health.ps1', 'files/health/collect-health.sh']);
    const runbook = readFileSync(join(bundle, 'RUNBOOK.md'), 'utf8');
    expect(runbook).toContain('Collect health on the far side');
    expect(runbook).toContain('bash files/health/collect-health.sh --host <host>');
    const sh = readFileSync(join(bundle, 'files/health/collect-health.sh'), 'utf8');
    expect(sh).toContain("'management.azure.com'");
  });

  it('imports the report into the state and the history (source far-side, the report time), once', async () => {
    // The script finds the bundle folder by its manifest.json and writes under receipt/health/.
    const tools = join(bundle, 'receipt', 'tools');
    mkdirSync(tools, { recursive: true });
    const script = join(tools, 'collect-health.sh');
    writeFileSync(
      script,
      renderCollectHealthSh([
        {
          runFrom: 'cc01',
          aliases: ['cc01'],
          probes: [
            { id: 'far:open', set: 'loop', kind: 'tcp', host: '127.0.0.1', port },
            { id: 'far:closed', set: 'loop', kind: 'tcp', host: '127.0.0.1', port: 1 },
          ],
        },
      ]),
    );
    const run = spawnSync('bash', [script, '--host', 'cc01', '--timeout', '2'], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    const reports = readdirSync(join(bundle, 'receipt', 'health'));
    expect(reports).toHaveLength(1);
    const report = JSON.parse(readFileSync(join(bundle, 'receipt', 'health', reports[0]!), 'utf8')) as { collected: string };

    // The receipt sits outside the signed files: the bundle still verifies.
    const v = await cli(['bundle', 'verify', bundle, '--trust', fingerprint, '--state-dir', tempDir()]);
    expect(v.code, v.err).toBe(0);

    const first = await cli(['receipt', 'import', bundle, '--workspace', ws, '--json']);
    expect(first.code, first.err).toBe(0);
    const j = JSON.parse(first.out) as { addedReports: number; addedHistory: number; historyFile: string; stateFile: string };
    expect(j).toMatchObject({ addedReports: 1, addedHistory: 2 });
    expect(j.historyFile).toBe(join(work, 'contoso.health.jsonl'));

    const { results, skipped } = await readHistory(j.historyFile);
    expect(skipped).toBe(0);
    const far = results as (typeof results[number] & { source?: string; host?: string })[];
    expect(far.map((r) => [r.id, r.status, r.source, r.host, r.at])).toEqual([
      ['far:open', 'ok', 'far-side', 'cc01', new Date(report.collected).toISOString()],
      ['far:closed', 'fail', 'far-side', 'cc01', new Date(report.collected).toISOString()],
    ]);
    expect(far[0]!.target).toBe(`127.0.0.1:${port}`);

    const state = JSON.parse(readFileSync(j.stateFile, 'utf8')) as WorkspaceState;
    expect(state.farSideReports).toHaveLength(1);
    expect(state.farSideReports![0]).toMatchObject({ host: 'cc01', file: `receipt/health/${reports[0]}`, counts: { ok: 1, fail: 1, warning: 0, skipped: 0 } });
    expect(state.health.filter((h) => h.host === 'cc01').map((h) => h.ok).sort()).toEqual([false, true]);

    const again = await cli(['receipt', 'import', bundle, '--workspace', ws, '--json']);
    expect(JSON.parse(again.out)).toMatchObject({ addedReports: 0, addedHistory: 0, addedHealth: 0 });
    expect((await readHistory(j.historyFile)).results).toHaveLength(2);
  });

  it('names a damaged report and skips it', async () => {
    const dir = join(bundle, 'receipt', 'health');
    writeFileSync(join(dir, 'broken-20260101T000000Z.json'), '{"format":"junction-health/1","host":"x"');
    const r = await cli(['receipt', 'import', bundle, '--workspace', ws, '--history', 'none']);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/broken-20260101T000000Z\.json: not JSON: .* \(report skipped\)/);
  });
});
