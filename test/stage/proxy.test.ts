// Fetching through an HTTP proxy, as a locked-down site's connected side usually must: HTTPS to the API goes
// through a CONNECT tunnel (the proxy sees only host:port, never the token), plain HTTP to the storage host in
// absolute form; hosts in noProxy bypass it. The proxy is a real one on loopback.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { startFakeGithub, makeTarball, sha256 } from './fake-github';
import { makeLoopbackCa, workspaceWith } from './helpers';
import { fetchStage } from '../../electron/stage/stage';
import { startProxy } from '../helpers/connect-proxy';

const REPO = 'Azure/cyclecloud-slurm';
const asset = randomBytes(40_000);
let dir: string;
let gh: Awaited<ReturnType<typeof startFakeGithub>>;
let caPem: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'junction-stage-proxy-'));
  const pki = makeLoopbackCa(dir);
  caPem = pki.caPem;
  const tarball = await makeTarball('slurm-2.5.0', { 'project.ini': '[project]\nname = slurm\nversion = 2.5.0\n\n[blobs]\nFiles = a.whl\n' });
  gh = await startFakeGithub([{ repo: REPO, tag: '2.5.0', tarball, assets: [{ id: 1, name: 'a.whl', bytes: asset }] }], { key: pki.key, cert: pki.cert });
}, 60_000);

afterAll(async () => {
  await gh?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('stage fetch through an HTTP proxy', () => {
  const ws = () => workspaceWith([{ name: 'slurm', version: '2.5.0', repo: REPO, tag: '2.5.0' }]).ws;

  it('tunnels HTTPS to the API with CONNECT (trusting the extra CA inside the tunnel) and forwards plain HTTP', async () => {
    const proxy = await startProxy();
    try {
      const out = join(dir, 'out1');
      const r = await fetchStage(ws(), out, {
        cacheDir: join(dir, 'cache1'),
        http: { apiBase: gh.apiBase, token: 'tok-secret', ca: [caPem], proxy: proxy.url, idleTimeoutMs: 2000 },
        retryDelayMs: 10,
      });
      expect(r.problems.filter((p) => p.severity === 'error')).toEqual([]);
      expect(sha256(readFileSync(join(out, 'staging/cyclecloud/slurm/blobs/a.whl')))).toBe(sha256(asset));
      const apiHostPort = new URL(gh.apiBase).host;
      expect(proxy.log.tunnels.length).toBeGreaterThan(0);
      expect(new Set(proxy.log.tunnels)).toEqual(new Set([apiHostPort]));
      // Every API request arrived over a connection the proxy opened: nothing went around it.
      const apiRequests = gh.served.requests.filter((q) => q.host === 'api');
      expect(apiRequests.length).toBeGreaterThan(0);
      for (const q of apiRequests) expect(proxy.log.upstreamPorts).toContain(q.remotePort);
      // The storage host is plain HTTP here: requests reach the proxy in absolute form, without the token.
      expect(proxy.log.forwarded.length).toBeGreaterThan(0);
      expect(proxy.log.forwarded.every((f) => f.url.startsWith('http://') && f.auth === undefined)).toBe(true);
    } finally {
      await proxy.close();
    }
  });

  it('bypasses the proxy for hosts in noProxy', async () => {
    const proxy = await startProxy();
    try {
      const r = await fetchStage(ws(), join(dir, 'out2'), {
        cacheDir: join(dir, 'cache2'),
        http: { apiBase: gh.apiBase, ca: [caPem], proxy: proxy.url, noProxy: ['127.0.0.1'], idleTimeoutMs: 2000 },
        retryDelayMs: 10,
      });
      expect(r.problems.filter((p) => p.severity === 'error')).toEqual([]);
      expect(proxy.log.tunnels).toEqual([]);
      expect(proxy.log.forwarded).toEqual([]);
    } finally {
      await proxy.close();
    }
  });

  it('says clearly when the proxy refuses the tunnel', async () => {
    const proxy = await startProxy(true);
    try {
      const r = await fetchStage(ws(), join(dir, 'out3'), {
        cacheDir: join(dir, 'cache3'),
        http: { apiBase: gh.apiBase, ca: [caPem], proxy: proxy.url, idleTimeoutMs: 2000 },
        retries: 0,
        retryDelayMs: 10,
      });
      const err = r.problems.find((p) => p.severity === 'error');
      expect(err?.message).toMatch(/refused CONNECT 127\.0\.0\.1:\d+ \(HTTP 407\)/);
      expect(err?.fix).toMatch(/--proxy/);
    } finally {
      await proxy.close();
    }
  });
});
