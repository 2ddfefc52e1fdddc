// Property: for random small file trees, build → verify round-trips, and any single-byte change to any file
// in the bundle (payload or control file) is caught.
import { describe, expect, it, beforeAll } from 'vitest';
import fc from 'fast-check';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildBundle, type Artifact } from '../../electron/bundle/build';
import { verifyBundle } from '../../electron/bundle/verify';
import { walk } from '../../electron/bundle/fsutil';
import type { Signer } from '../../electron/bundle/signing';
import { makeTestKey, signerFor, tempDir } from './helpers';

let signer: Signer;
beforeAll(async () => {
  signer = await signerFor(makeTestKey());
});

const segment = fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,7}$/);
const tree = fc.uniqueArray(fc.record({ path: fc.array(segment, { minLength: 1, maxLength: 3 }).map((s) => s.join('/')), bytes: fc.uint8Array({ maxLength: 3000 }) }), {
  minLength: 1,
  maxLength: 8,
  selector: (f) => f.path.toLowerCase(),
}).filter((files) => files.every((f) => !files.some((g) => g !== f && (g.path.toLowerCase() + '/').startsWith(f.path.toLowerCase() + '/'))));

describe('bundle round-trip property', () => {
  it('builds, verifies, and catches any single-byte change', async () => {
    await fc.assert(
      fc.asyncProperty(tree, fc.nat(), fc.nat(), fc.integer({ min: 1, max: 255 }), fc.option(fc.integer({ min: 1024, max: 4096 })), async (files, pickFile, pickByte, xor, limit) => {
        const out = join(tempDir('junction-prop-'), 'b');
        const artifacts: Artifact[] = files.map((f) => ({ path: f.path, role: 'data', bytes: f.bytes }));
        await buildBundle({ workspace: { sha256: 'c'.repeat(64) }, artifacts, hosts: [] }, { out, format: 'dir', signer, junctionVersion: 't', ...(limit !== null ? { mediaLimit: limit } : {}) });
        const trusted = new Set([signer.fingerprint]);
        const ok = await verifyBundle(out, { trusted });
        expect(ok.problems).toEqual([]);
        const candidates = (await walk(out)).filter((e) => e.kind === 'file' && e.size > 0 && !e.path.startsWith('receipt/'));
        const victim = candidates[pickFile % candidates.length]!;
        const abs = join(out, victim.path);
        const bytes = readFileSync(abs);
        const i = pickByte % bytes.length;
        bytes[i] = bytes[i]! ^ xor;
        writeFileSync(abs, bytes);
        const bad = await verifyBundle(out, { trusted });
        expect(bad.ok, `${victim.path}[${i}] ^ ${xor}`).toBe(false);
      }),
      { numRuns: 40 },
    );
  });
});
