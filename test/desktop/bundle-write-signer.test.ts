// bundle.write says whether the signer of the copy it read back is pinned here, as `junction bundle write` does
// (issue #16 item 4): the read-back proves the copy is the source, not who signed it.
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BundleBuildResult, BundleWriteResult, GeneratePreview } from '../../shared/api/contract';
import { createHost, dispatch } from '../../electron/services/host';
import { EXAMPLE_TEXT } from '../helpers/example';
import { makeSigningPfx } from './signing-key';

const PASSWORD = 'write signer pass';
const fileName = 'contoso-hybrid.junction.json';

describe('bundle.write and the signer', () => {
  const api = createHost({ frontDoor: 'test' });
  let built: BundleBuildResult;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'junction-write-signer-'));
    process.env.JUNCTION_STATE_DIR = mkdtempSync(join(tmpdir(), 'junction-write-signer-state-'));
    const pfx = makeSigningPfx(dir, PASSWORD);
    const preview = (await dispatch(api, 'generate.preview', {
      fileName,
      text: EXAMPLE_TEXT,
    })) as GeneratePreview;
    built = (await dispatch(api, 'bundle.build', {
      fileName,
      text: EXAMPLE_TEXT,
      hosts: [preview.targets[0]!.id],
      format: 'dir',
      out: join(dir, 'bundle'),
      signKey: pfx,
      password: PASSWORD,
    })) as BundleBuildResult;
  }, 60_000);

  const write = async () =>
    (await dispatch(api, 'bundle.write', {
      source: built.out,
      target: mkdtempSync(join(tmpdir(), 'junction-write-signer-media-')),
    })) as BundleWriteResult;

  it('reports the signer as not pinned until it is pinned, then as pinned', async () => {
    const before = await write();
    expect(before.readBack.ok).toBe(true);
    expect(before.signer).toEqual({ fingerprint: built.fingerprint, pinned: false });
    await dispatch(api, 'trust.pin', { fingerprint: built.fingerprint });
    const after = await write();
    expect(after.signer).toEqual({ fingerprint: built.fingerprint, pinned: true });
  });
});
