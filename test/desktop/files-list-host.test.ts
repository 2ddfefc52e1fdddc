// files.list, the host side of the browser-mode path browser (issue #17): one folder's entries by kind and size,
// absolute paths only, special files listed but never opened, every error naming the path; token-checked on the web.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FolderListing } from '../../shared/api/files-api';
import { createHost, dispatch, memorySettings } from '../../electron/services/host';
import { startWebHost, type WebHost } from '../../electron/web/server';

describe('files.list', () => {
  const api = createHost({ frontDoor: 'web', settings: memorySettings() });
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'junction-files-list-'));
    mkdirSync(join(dir, 'certs'));
    writeFileSync(join(dir, 'estate.junction.json'), '{"x": 1}\n');
    execFileSync('mkfifo', [join(dir, 'pipe')]);
    symlinkSync(join(dir, 'certs'), join(dir, 'to-certs'));
    symlinkSync(join(dir, 'pipe'), join(dir, 'to-pipe'));
    symlinkSync(join(dir, 'gone'), join(dir, 'dangling'));
  });

  it('lists folders first, then files with their sizes; a FIFO (or a link to one) is listed as other, not opened', async () => {
    const r = (await dispatch(api, 'files.list', { path: dir })) as FolderListing;
    expect(r.path).toBe(dir);
    expect(r.parent).toBe(tmpdir());
    expect(r.truncated).toBe(false);
    expect(r.entries).toEqual([
      { name: 'certs', kind: 'dir' },
      { name: 'to-certs', kind: 'dir' },
      { name: 'dangling', kind: 'link' },
      { name: 'estate.junction.json', kind: 'file', size: 9 },
      { name: 'pipe', kind: 'other' },
      { name: 'to-pipe', kind: 'other' },
    ]);
    expect(((await dispatch(api, 'files.list', { path: '/' })) as FolderListing).parent).toBeUndefined();
  });

  it('refuses relative paths, files and special files as the folder, and names the path in each error', async () => {
    await expect(dispatch(api, 'files.list', { path: 'certs' })).rejects.toThrow(
      /^files\.list: path: "certs" is not an absolute path/,
    );
    await expect(dispatch(api, 'files.list', { path: join(dir, 'pipe') })).rejects.toThrow(
      `files.list: path: ${join(dir, 'pipe')} is not a folder`,
    );
    await expect(dispatch(api, 'files.list', { path: join(dir, 'to-pipe') })).rejects.toThrow(
      /is not a folder/,
    );
    await expect(dispatch(api, 'files.list', { path: join(dir, 'estate.junction.json') })).rejects.toThrow(
      /is not a folder/,
    );
    await expect(dispatch(api, 'files.list', { path: join(dir, 'nope') })).rejects.toThrow(
      `files.list: path: ${join(dir, 'nope')}: no such folder`,
    );
    await expect(dispatch(api, 'files.list', { path: '' })).rejects.toThrow(/^files\.list: path:/);
  });

  describe('on the loopback web host', () => {
    let host: WebHost;
    beforeAll(async () => {
      host = await startWebHost({ api, root: dir });
    });
    afterAll(() => host?.close());
    const post = (auth?: string) =>
      fetch(`${new URL(host.url).origin}/api/files.list`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...(auth ? { Authorization: auth } : {}) },
        body: JSON.stringify({ path: dir }),
      });

    it('answers with the launch token and refuses without it', async () => {
      const ok = await post(`Bearer ${host.token}`);
      expect(ok.status).toBe(200);
      expect(((await ok.json()) as { result: FolderListing }).result.entries.length).toBe(6);
      expect((await post()).status).toBe(403);
      expect((await post('Bearer wrong-token')).status).toBe(403);
    });
  });
});
