// `junction bundle diff` with the two workspaces: the reachability section says what the second stick would open or
// close, and a workspace that is not the one a bundle was built from is refused by its sha256.
import { describe, expect, it, beforeAll } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../electron/cli/main';
import type { CliIo } from '../../electron/cli/io';
import { makeTestKey, tempDir, type TestKey } from '../bundle/helpers';
import { EXAMPLE_PATH, byId, rawExample, type Raw } from '../helpers/example';

async function cli(args: string[]) {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => (out += t), err: (t) => (err += t), cwd: process.cwd(), env: {}, isTTY: false };
  const code = await runCli(args, io);
  return { code, out, err };
}

let key: TestKey;
let work: string;
let before: string;
let after: string;
let afterWs: string;

beforeAll(async () => {
  key = makeTestKey('Reach Diff Signer');
  work = tempDir();
  const raw: Raw = rawExample();
  byId<Raw>(raw.azure.vnets[0].subnets, 'snet-compute').nsg = 'nsg-cluster'; // closes the License Link tunnel
  afterWs = join(work, 'after.junction.json');
  writeFileSync(afterWs, JSON.stringify(raw, null, 2));
  before = join(work, 'before');
  after = join(work, 'after');
  const sign = ['--sign-key', key.pfx, '--password-file', key.passwordFile, '--created-at', '2026-11-22T00:00:00Z'];
  expect((await cli(['bundle', 'build', EXAMPLE_PATH, '--out', before, ...sign])).code).toBe(0);
  const b = await cli(['bundle', 'build', afterWs, '--out', after, ...sign, '--allow-lint-errors']);
  expect(b.code, b.err).toBe(0);
});

describe('junction bundle diff --old-workspace --new-workspace', () => {
  it('adds the flows the second bundle closes, with the deciding rule', async () => {
    const r = await cli(['bundle', 'diff', before, after, '--old-workspace', EXAMPLE_PATH, '--new-workspace', afterWs]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^reachability: 0 opened, \d+ closed, 0 changed, \d+ unchanged/m);
    expect(r.out).toMatch(/- azure-nodes → Internet TCP 443: reachable → blocked .*\n.*decided in NEW by NSG rule nsg-cluster\/BlockOutbound/);
    const j = JSON.parse((await cli(['bundle', 'diff', before, after, '--old-workspace', EXAMPLE_PATH, '--new-workspace', afterWs, '--json'])).out);
    expect(j.workspaceChanged).toBe(true);
    expect(j.reach.closed.length).toBeGreaterThan(0);
    expect(j.reach.opened).toEqual([]);
  });

  it('without the workspaces the section is absent, as before', async () => {
    const r = await cli(['bundle', 'diff', before, after, '--json']);
    expect(JSON.parse(r.out).reach).toBeUndefined();
  });

  it('refuses a workspace the bundle was not built from, and one flag without the other', async () => {
    const wrong = await cli(['bundle', 'diff', before, after, '--old-workspace', afterWs, '--new-workspace', afterWs]);
    expect(wrong.code).toBe(2);
    expect(wrong.err).toMatch(/after\.junction\.json is not the workspace .*before was built from \(sha256 [0-9a-f]{64}, the manifest records [0-9a-f]{64}\)/);
    const half = await cli(['bundle', 'diff', before, after, '--old-workspace', EXAMPLE_PATH]);
    expect(half.code).toBe(2);
    expect(half.err).toMatch(/go together/);
    expect(readFileSync(afterWs, 'utf8')).toContain('nsg-cluster');
  });
});
