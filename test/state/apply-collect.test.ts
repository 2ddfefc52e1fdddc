// apply.sh ends by running the bundle's collect-state.sh: after the steps (and after a failed step too) the host's
// state report is on the media, and receipt import keeps it.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildBundle } from '../../electron/bundle/build';
import { addStateScripts } from '../../electron/bundle/state-scripts';
import { importReceipt } from '../../electron/bundle/receipt-import';
import { parseStateReport } from '../../shared/state/report';
import { load, rawExample } from '../helpers/example';
import { makeTestKey, sampleInput, signerFor, tempDir } from '../bundle/helpers';

async function bundleWith(script: string): Promise<string> {
  const input = addStateScripts(sampleInput(), load(rawExample()));
  input.artifacts.push({ path: 'LX01/01-step.sh', role: 'script', host: 'LX01', step: 1, bytes: script });
  input.hosts.push({ host: 'LX01', steps: [{ step: 1, title: 'One step', script: 'LX01/01-step.sh' }] });
  const out = join(tempDir('junction-apply-collect-'), 'media');
  await buildBundle(input, { out, format: 'dir', signer: await signerFor(makeTestKey()), junctionVersion: '0.1.0', createdAt: '2026-11-22T00:00:00.000Z' });
  return out;
}

describe('apply.sh collects state at the end', () => {
  for (const [label, script, status] of [
    ['after the steps succeed', 'true\n', 0],
    ['after a step fails', 'exit 5\n', 1],
  ] as const)
    it(label, async () => {
      const media = await bundleWith(script);
      const r = spawnSync('bash', ['apply.sh', '--host', 'LX01'], { cwd: media, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(status);
      expect(r.stdout).toMatch(/state of LX01 written to .*receipt\/state\/LX01-\d{8}T\d{6}Z\.json/);
      const files = readdirSync(join(media, 'receipt', 'state'));
      expect(files).toHaveLength(1);
      const parsed = parseStateReport(readFileSync(join(media, 'receipt', 'state', files[0]!), 'utf8'));
      expect(parsed.ok && parsed.report.host).toBe('LX01');
      const imported = await importReceipt(media, join(tempDir(), 'w.state.json'));
      expect(imported.observed.updated.map((u) => u.host)).toEqual(['LX01']);
      expect(imported.state.runs.map((x) => x.exitCode)).toEqual([status === 0 ? 0 : 5]);
    });
});
