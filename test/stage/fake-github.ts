// A loopback stand-in for GitHub: the releases API on one server, and the "storage" host the API redirects
// asset and tarball downloads to on a second one, with Range support and a few misbehaving assets.
import http from 'node:http';
import https from 'node:https';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { AddressInfo, Socket } from 'node:net';
import { pack } from 'tar-stream';

export interface FakeAsset {
  id: number;
  name: string;
  bytes: Buffer;
  /** Size claimed in the release JSON; defaults to bytes.length. */
  advertisedSize?: number;
  /** sha256 claimed as the asset digest ("sha256:<hex>"). */
  digest?: string;
  /** Send this many bytes on the first request, then hold the connection open without sending more. */
  stallAfter?: number;
}

export interface FakeRelease {
  repo: string;
  tag: string;
  assets: FakeAsset[];
  tarball: Buffer;
}

export interface Served {
  /** Body bytes sent per storage path. */
  bytes: Map<string, number>;
  requests: { host: 'api' | 'storage'; path: string; range?: string; auth?: string; ifNoneMatch?: string; status: number; remotePort?: number }[];
}

export const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

export async function makeTarball(top: string, files: Record<string, string>): Promise<Buffer> {
  const p = pack();
  const chunks: Buffer[] = [];
  p.on('data', (c: unknown) => chunks.push(c as Buffer));
  const done = new Promise<void>((r) => p.on('end', () => r()));
  p.entry({ name: `${top}/`, type: 'directory' });
  for (const [name, text] of Object.entries(files)) p.entry({ name: `${top}/${name}`, mode: 0o644 }, text);
  p.finalize();
  await done;
  return gzipSync(Buffer.concat(chunks));
}

function listen(server: http.Server): Promise<number> {
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r((server.address() as AddressInfo).port)));
}

export async function startFakeGithub(releases: FakeRelease[], tls?: { key: string; cert: string }) {
  const served: Served = { bytes: new Map(), requests: [] };
  const stalled = new Set<string>();
  const open = new Set<Socket>();
  const blobs = new Map<string, { bytes: Buffer; stallAfter?: number; etag: string }>();
  for (const r of releases) {
    blobs.set(`/tarball/${r.repo}/${r.tag}`, { bytes: r.tarball, etag: `"${sha256(r.tarball).slice(0, 20)}"` });
    for (const a of r.assets) blobs.set(`/blob/${a.id}/${a.name}`, { bytes: a.bytes, stallAfter: a.stallAfter, etag: `"${sha256(a.bytes).slice(0, 20)}"` });
  }

  const storage = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const b = blobs.get(decodeURIComponent(path));
    const log = { host: 'storage' as const, path, range: req.headers.range, auth: req.headers.authorization, ifNoneMatch: req.headers['if-none-match'] as string | undefined, status: 0 };
    served.requests.push(log);
    if (!b) {
      log.status = 404;
      res.writeHead(404).end();
      return;
    }
    const count = (n: number) => served.bytes.set(path, (served.bytes.get(path) ?? 0) + n);
    if (req.headers['if-none-match'] === b.etag) {
      log.status = 304;
      res.writeHead(304, { etag: b.etag }).end();
      return;
    }
    let start = 0;
    const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    if (m && (!req.headers['if-range'] || req.headers['if-range'] === b.etag)) start = Number(m[1]);
    if (start >= b.bytes.length && m) {
      log.status = 416;
      res.writeHead(416, { 'content-range': `bytes */${b.bytes.length}` }).end();
      return;
    }
    const body = b.bytes.subarray(start);
    const headers: http.OutgoingHttpHeaders = { 'content-length': body.length, etag: b.etag, 'accept-ranges': 'bytes', 'content-type': 'application/octet-stream' };
    if (m) headers['content-range'] = `bytes ${start}-${b.bytes.length - 1}/${b.bytes.length}`;
    log.status = m ? 206 : 200;
    res.writeHead(log.status, headers);
    if (b.stallAfter !== undefined && !stalled.has(path)) {
      stalled.add(path);
      const part = body.subarray(0, b.stallAfter);
      count(part.length);
      res.write(part); // and then nothing: the client must notice and resume
      return;
    }
    count(body.length);
    res.end(body);
  });
  storage.on('connection', (s) => {
    open.add(s);
    s.on('close', () => open.delete(s));
  });
  const storagePort = await listen(storage);
  const storageBase = `http://127.0.0.1:${storagePort}`;

  const handler: http.RequestListener = (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const log = { host: 'api' as const, path: url.pathname, auth: req.headers.authorization, status: 0, remotePort: req.socket.remotePort };
    served.requests.push(log);
    const send = (status: number, body?: unknown, headers: http.OutgoingHttpHeaders = {}) => {
      log.status = status;
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(body === undefined ? '' : JSON.stringify(body));
    };
    for (const r of releases) {
      const base = `/repos/${r.repo}`;
      if (url.pathname === `${base}/releases/tags/${encodeURIComponent(r.tag)}`) {
        if (req.headers.accept !== 'application/vnd.github+json') return send(415, { message: 'wrong Accept' });
        return send(200, {
          id: 1000 + releases.indexOf(r),
          tag_name: r.tag,
          name: r.tag,
          tarball_url: `https://github.invalid/${r.repo}/tarball/${r.tag}`,
          assets: r.assets.map((a) => ({
            id: a.id,
            name: a.name,
            size: a.advertisedSize ?? a.bytes.length,
            url: `https://github.invalid${base}/releases/assets/${a.id}`,
            browser_download_url: `https://github.invalid/${r.repo}/releases/download/${r.tag}/${a.name}`,
            content_type: 'application/octet-stream',
            digest: a.digest ?? null,
          })),
        });
      }
      const asset = new RegExp(`^${base}/releases/assets/(\\d+)$`).exec(url.pathname);
      if (asset) {
        const a = r.assets.find((x) => x.id === Number(asset[1]));
        if (!a) continue;
        if (req.headers.accept !== 'application/octet-stream') return send(200, { id: a.id, name: a.name });
        return send(302, undefined, { location: `${storageBase}/blob/${a.id}/${encodeURIComponent(a.name)}?sig=abc` });
      }
      if (url.pathname === `${base}/tarball/${encodeURIComponent(r.tag)}`) return send(302, undefined, { location: `${storageBase}/tarball/${r.repo}/${r.tag}` });
    }
    send(404, { message: 'Not Found' });
  };
  const api = tls ? https.createServer({ key: tls.key, cert: tls.cert }, handler) : http.createServer(handler);
  api.on('connection', (s) => {
    open.add(s);
    s.on('close', () => open.delete(s));
  });
  const apiPort = await listen(api);
  return {
    apiBase: `${tls ? 'https' : 'http'}://127.0.0.1:${apiPort}`,
    served,
    async close() {
      for (const s of open) s.destroy();
      await Promise.all([new Promise((r) => api.close(r)), new Promise((r) => storage.close(r))]);
    },
  };
}
