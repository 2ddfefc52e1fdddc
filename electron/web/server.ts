// The browser front door: the same renderer and the same contract, over HTTP on loopback only. A page on any
// other origin must not be able to drive it, so every request passes three checks before anything else runs:
// the Host header names our loopback address and port (DNS rebinding), any Origin is our own (cross-site
// requests), and API calls carry the per-launch token that only the URL we printed contains.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { ApiError, type JunctionApi } from '../../shared/api/contract';
import { dispatch } from '../services/host';
import { RENDERER_CSP } from '../main/security';

export interface WebHostOptions {
  api: JunctionApi;
  /** The built renderer (dist/renderer). */
  root: string;
  port?: number;
  maxBodyBytes?: number;
}

export interface WebHost {
  /** Open this: it carries the token in the fragment, which browsers never send to servers or in Referer. */
  url: string;
  origin: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

const STATUS: Record<ApiError['code'], number> = {
  'bad-request': 400,
  'unknown-channel': 404,
  'not-found': 404,
  forbidden: 403,
  failed: 500,
};

const BASE_HEADERS = {
  'Content-Security-Policy': RENDERER_CSP,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

function send(res: ServerResponse, status: number, body: unknown, type = 'application/json'): void {
  const data = typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body);
  res.writeHead(status, { ...BASE_HEADERS, 'Content-Type': type });
  res.end(data);
}

function fail(res: ServerResponse, status: number, code: string, message: string): void {
  send(res, status, { ok: false, error: { code, message } });
}

function sameToken(given: string, token: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

async function readBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The path a request-target names, or undefined when the target is malformed. Origin-form is what browsers send;
 * absolute-form is accepted only for our own authority, so it cannot route around the Host check. Parsed by hand
 * rather than with `new URL`, which throws on targets such as `http://[` and would resolve `//evil.test/`
 * to another authority.
 */
export function targetPath(target: string, allowedHosts: readonly string[]): string | undefined {
  let path: string;
  if (target.startsWith('/')) path = target;
  else {
    const m = /^http:\/\/([^/?#]*)(\/[^?#]*)?(\?[^#]*)?$/i.exec(target);
    if (!m || !allowedHosts.includes(m[1]!.toLowerCase())) return undefined;
    path = (m[2] ?? '/') + (m[3] ?? '');
  }
  if (path.includes('#')) return undefined;
  const q = path.indexOf('?');
  return q >= 0 ? path.slice(0, q) : path;
}

/** RFC 9112 §3.2: exactly one Host field line, or 400. */
function hostLines(req: IncomingMessage): number {
  let n = 0;
  for (let i = 0; i < req.rawHeaders.length; i += 2) if (req.rawHeaders[i]!.toLowerCase() === 'host') n++;
  return n;
}

export async function startWebHost(opts: WebHostOptions): Promise<WebHost> {
  const token = randomBytes(32).toString('base64url');
  const root = normalize(opts.root);
  const limit = opts.maxBodyBytes ?? 80 * 1024 * 1024;
  let port = 0;
  const allowedHosts = () => [`127.0.0.1:${port}`, `localhost:${port}`];
  const allowedOrigins = () => allowedHosts().map((h) => `http://${h}`);

  async function serveStatic(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') return fail(res, 405, 'method', 'only GET for files');
    let rel: string;
    try {
      rel = decodeURIComponent(pathname === '/' ? '/index.html' : pathname);
    } catch {
      return fail(res, 400, 'bad-request', 'malformed path');
    }
    const file = normalize(join(root, rel));
    if (!file.startsWith(root + sep)) return fail(res, 403, 'forbidden', 'outside the app');
    try {
      const st = await stat(file);
      if (!st.isFile()) return fail(res, 404, 'not-found', 'no such file');
      send(
        res,
        200,
        req.method === 'HEAD' ? '' : await readFile(file),
        TYPES[extname(file)] ?? 'application/octet-stream',
      );
    } catch {
      fail(res, 404, 'not-found', 'no such file');
    }
  }

  async function serveApi(req: IncomingMessage, res: ServerResponse, channelName: string): Promise<void> {
    if (req.method !== 'POST') return fail(res, 405, 'method', 'API calls are POST');
    const auth = req.headers.authorization ?? '';
    if (!auth.startsWith('Bearer ') || !sameToken(auth.slice(7), token))
      return fail(
        res,
        403,
        'forbidden',
        'missing or wrong launch token: open the URL printed by `junction serve`',
      );
    if (!(req.headers['content-type'] ?? '').startsWith('application/json'))
      return fail(res, 415, 'bad-request', 'send application/json');
    const text = await readBody(req, limit);
    if (text === undefined) return fail(res, 413, 'bad-request', `request larger than ${limit} bytes`);
    let payload: unknown;
    try {
      payload = text === '' ? {} : JSON.parse(text);
    } catch {
      return fail(res, 400, 'bad-request', `${channelName}: the body is not JSON`);
    }
    try {
      send(res, 200, { ok: true, result: await dispatch(opts.api, channelName, payload) });
    } catch (e) {
      const err = e instanceof ApiError ? e : new ApiError('failed', (e as Error).message);
      fail(res, STATUS[err.code], err.code, err.message);
    }
  }

  const server = createServer((req, res) => {
    try {
      route(req, res);
    } catch {
      // Nothing a client sends may take the host down; a throw here is a request we failed to understand.
      if (!res.headersSent) fail(res, 400, 'bad-request', 'malformed request');
      else res.end();
    }
  });
  function route(req: IncomingMessage, res: ServerResponse): void {
    if (hostLines(req) !== 1) return fail(res, 400, 'bad-request', 'exactly one Host header is required');
    // DNS rebinding: a hostile name resolving to 127.0.0.1 still carries its own name in Host.
    if (!allowedHosts().includes(req.headers.host ?? ''))
      return fail(res, 403, 'forbidden', 'Host header is not this loopback address');
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins().includes(origin))
      return fail(res, 403, 'forbidden', 'cross-origin request refused');
    if (req.headers['sec-fetch-site'] === 'cross-site')
      return fail(res, 403, 'forbidden', 'cross-site request refused');
    const pathname = targetPath(req.url ?? '', allowedHosts());
    if (pathname === undefined) return fail(res, 400, 'bad-request', 'malformed request-target');
    const handler = pathname.startsWith('/api/')
      ? serveApi(req, res, pathname.slice('/api/'.length))
      : serveStatic(req, res, pathname);
    handler.catch(() => {
      if (!res.headersSent) fail(res, 500, 'failed', 'internal error');
      else res.end();
    });
  }
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolveListen());
  });
  port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}/#token=${token}`,
    origin,
    port,
    token,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
