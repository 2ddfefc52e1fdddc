// Issue #17: errors the console shows name the screen's fields, never CLI flags or channel names
// (`bundle.build: … --out`). Every channel is driven into its error paths through the real web host and the
// renderer's own client, and every message it would show is checked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { API, API_CHANNELS, type ApiChannel, type JunctionApi } from '../../shared/api/contract';
import { createHost, memorySettings } from '../../electron/services/host';
import { startWebHost, type WebHost } from '../../electron/web/server';
import { httpApi, onScreen } from '../../renderer/api/client';
import { screenMessage } from '../../shared/api/screen-text';
import { EXAMPLE_TEXT } from '../helpers/example';

/** Channels that would reach for Azure or run probes once their input is valid: only their invalid input is sent. */
const REACHES_OUT = (c: string) =>
  /^azure\.(login|plan|apply|status|settings)$/.test(c) || c === 'health.run';

function shapeOf(c: ApiChannel): string[] {
  const s = (API[c] as { request: { shape?: Record<string, unknown> } }).request;
  return s.shape ? Object.keys(s.shape) : [];
}

describe('console error text', () => {
  let host: WebHost;
  let api: JunctionApi;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'junction-screen-errors-'));
    process.env.JUNCTION_STATE_DIR = mkdtempSync(join(tmpdir(), 'junction-screen-errors-state-'));
    writeFileSync(join(dir, 'taken'), 'x');
    host = await startWebHost({
      api: createHost({ frontDoor: 'web', settings: memorySettings() }),
      root: dir,
    });
    const origin = new URL(host.url).origin;
    api = onScreen(
      httpApi(host.token, ((input: string, init?: RequestInit) =>
        fetch(origin + input, init)) as typeof fetch),
    );
  });
  afterAll(() => host?.close());

  /** Bad requests for one channel: empty, wrong types, and plausible values that fail (missing files, taken paths). */
  function badRequests(c: ApiChannel): unknown[] {
    const keys = shapeOf(c);
    const missing = join(dir, 'no-such', 'thing');
    const plausible = (text: string) =>
      Object.fromEntries(
        keys.map((k) => [
          k,
          k === 'text' || k === 'savedText'
            ? text
            : k === 'fileName'
              ? 'estate.junction.json'
              : k === 'jobId'
                ? `job-${c.replace(/\./g, '-')}-0001`
                : k === 'out' || k === 'outDir' || k === 'target'
                  ? join(dir, 'taken')
                  : k === 'format'
                    ? 'dir'
                    : k === 'fingerprint'
                      ? 'abc'
                      : k === 'port'
                        ? 99999
                        : k === 'hosts' || k === 'scenarios' || k === 'sets' || k === 'ids'
                          ? ['no-such-id']
                          : missing,
        ]),
      );
    const reqs: unknown[] = [null, Object.fromEntries(keys.map((k) => [k, 12345])), plausible('{')];
    if (!REACHES_OUT(c)) reqs.push(plausible(EXAMPLE_TEXT));
    return reqs;
  }

  it('no message from any channel begins with a channel name or mentions a --flag', async () => {
    const shown: { channel: string; message: string }[] = [];
    const call = async (c: ApiChannel, req: unknown) => {
      try {
        await (api[c] as (r: unknown) => Promise<unknown>)(req);
      } catch (e) {
        shown.push({ channel: c, message: (e as Error).message });
      }
    };
    for (const c of API_CHANNELS) for (const req of badRequests(c)) await call(c, req);
    // The messages the review quoted, on purpose.
    const base = { fileName: 'estate.junction.json', text: EXAMPLE_TEXT, format: 'dir', password: 'x' };
    await call('bundle.build', { ...base, out: '', signKey: join(dir, 'k.pfx') });
    await call('bundle.build', { ...base, out: join(dir, 'taken'), signKey: join(dir, 'k.pfx') });
    await call('bundle.build', { ...base, out: join(dir, 'new'), signKey: join(dir, 'missing.pfx') });
    await call('bundle.build', {
      ...base,
      out: join(dir, 'new2'),
      signKey: join(dir, 'k.pfx'),
      mediaLimit: 10,
    });
    await call('bundle.verify', { path: join(dir, 'missing') });
    await call('cert.inspect', { path: join(dir, 'missing.cer') });

    expect(shown.length).toBeGreaterThan(API_CHANNELS.length * 2);
    const channelPrefix = new RegExp(
      `(^|\\W)(${API_CHANNELS.map((c) => c.replace(/\./g, '\\.')).join('|')}):`,
    );
    const bad = shown.filter((s) => channelPrefix.test(s.message) || /(^|[^\w-])--[a-z]/.test(s.message));
    expect(bad, bad.map((b) => `${b.channel}: ${b.message}`).join('\n')).toEqual([]);
  }, 120_000);

  it("names the screen's field where the request named its own", async () => {
    const base = { fileName: 'estate.junction.json', text: EXAMPLE_TEXT, signKey: '/k.pfx', password: 'x' };
    await expect(api['bundle.build']({ ...base, format: 'dir', out: '' })).rejects.toThrow(/^Output path: /);
    await expect(api['trust.pin']({ fingerprint: 'abc' })).rejects.toThrow(
      /^Signer fingerprint: not a SHA-256/,
    );
    await expect(api['bundle.write']({ source: '', target: '/tmp' } as never)).rejects.toThrow(
      /^Bundle folder: /,
    );
  });

  it("reads Electron's wrapped rejection the same way as the web host's answer", () => {
    expect(
      screenMessage(
        'bundle.build',
        "Error invoking remote method 'bundle.build': ApiError: bundle.build: out: must not be empty",
      ),
    ).toBe('Output path: must not be empty');
    expect(
      screenMessage(
        'bundle.build',
        'Not built: bundle.tar exists — choose a new --out path or pass --media-limit 4GiB',
      ),
    ).toBe(
      'Not built: bundle.tar exists — choose a new "Output path" path or pass the "Split files over 4 GiB into parts" option 4GiB',
    );
  });
});
