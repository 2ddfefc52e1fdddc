// A small HTTP(S) client on node:http/https for the stager: redirects followed the way GitHub needs (asset →
// storage host), the token sent only to the API's own origin, an HTTPS proxy through CONNECT, an extra CA,
// and an idle timeout that turns a stalled transfer into a retryable error instead of a hang.
import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import type { Duplex } from 'node:stream';

export interface HttpOptions {
  /** API origin the token belongs to, e.g. https://api.github.com or https://ghe.example/api/v3. */
  apiBase: string;
  token?: string;
  /** http://proxy:3128 — used for every request whose host is not in noProxy. */
  proxy?: string;
  noProxy?: string[];
  /** Extra trusted CA certificates (PEM), added to Node's default roots. */
  ca?: string[];
  idleTimeoutMs?: number;
  maxRedirects?: number;
  userAgent?: string;
}

export class HttpError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface Opened {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: http.IncomingMessage;
  /** The URL that answered, after redirects. */
  url: string;
}

const DEFAULT_IDLE_MS = 30_000;

function sameOrigin(a: URL, b: URL): boolean {
  return a.protocol === b.protocol && a.host === b.host;
}

function bypassProxy(host: string, noProxy: string[] | undefined): boolean {
  return (noProxy ?? []).some((n) => n === '*' || host === n || (n.startsWith('.') && host.endsWith(n)));
}

function caOption(opts: HttpOptions): string[] | undefined {
  return opts.ca && opts.ca.length > 0 ? [...tls.rootCertificates, ...opts.ca] : undefined;
}

function tunnel(proxy: URL, target: URL, opts: HttpOptions): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const port = target.port || '443';
    const req = http.request({
      host: proxy.hostname,
      port: proxy.port || 80,
      method: 'CONNECT',
      path: `${target.hostname}:${port}`,
      headers: { host: `${target.hostname}:${port}` },
    });
    req.setTimeout(opts.idleTimeoutMs ?? DEFAULT_IDLE_MS, () => req.destroy(new HttpError(`proxy ${proxy.host} did not answer CONNECT`, true)));
    req.once('connect', (res, socket) => {
      if (res.statusCode !== 200) {
        socket.destroy();
        reject(new HttpError(`proxy ${proxy.host} refused CONNECT ${target.host} (HTTP ${res.statusCode})`, false, res.statusCode));
        return;
      }
      const secure = tls.connect({ socket, servername: target.hostname, ca: caOption(opts) });
      secure.once('secureConnect', () => resolve(secure));
      secure.once('error', reject);
    });
    req.once('error', (e) => reject(new HttpError(`cannot reach proxy ${proxy.host}: ${e.message}`, true)));
    req.end();
  });
}

async function once(url: URL, headers: Record<string, string>, opts: HttpOptions): Promise<http.IncomingMessage> {
  const proxy = opts.proxy && !bypassProxy(url.hostname, opts.noProxy) ? new URL(opts.proxy) : undefined;
  const secure = url.protocol === 'https:';
  const base: https.RequestOptions = { method: 'GET', headers: { ...headers, host: url.host } };
  let req: http.ClientRequest;
  if (proxy && secure) {
    const socket = await tunnel(proxy, url, opts);
    // No agent: Node only honours createConnection without one (agent: false builds a fresh Agent that dials
    // the origin directly, silently going around the proxy). The socket is already TLS to the origin.
    req = https.request({ ...base, host: url.hostname, port: url.port || 443, path: url.pathname + url.search, createConnection: () => socket as never });
  } else if (proxy) {
    req = http.request({ ...base, host: proxy.hostname, port: proxy.port || 80, path: url.href });
  } else if (secure) {
    req = https.request({ ...base, host: url.hostname, port: url.port || 443, path: url.pathname + url.search, ca: caOption(opts), servername: url.hostname });
  } else {
    req = http.request({ ...base, host: url.hostname, port: url.port || 80, path: url.pathname + url.search });
  }
  return new Promise((resolve, reject) => {
    const idle = opts.idleTimeoutMs ?? DEFAULT_IDLE_MS;
    req.setTimeout(idle, () => req.destroy(new HttpError(`no data from ${url.host} for ${idle / 1000} s (stalled)`, true)));
    req.once('response', resolve);
    req.once('error', (e) => {
      if (e instanceof HttpError) reject(e);
      else {
        const code = (e as NodeJS.ErrnoException).code ?? '';
        const tlsProblem = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code);
        reject(
          new HttpError(
            tlsProblem
              ? `TLS to ${url.host} failed: ${e.message} (is the server's CA in --ca?)`
              : `cannot reach ${url.host}: ${e.message}`,
            !tlsProblem,
          ),
        );
      }
    });
    req.end();
  });
}

/**
 * GET with redirects. Authorization goes only to the API origin: a 302 from the releases API to a storage host
 * carries a signed URL, and sending the token there would leak it (and S3-style hosts reject the request).
 */
export async function openUrl(url: string, headers: Record<string, string>, opts: HttpOptions): Promise<Opened> {
  const api = new URL(opts.apiBase);
  let current = new URL(url);
  for (let hop = 0; hop <= (opts.maxRedirects ?? 5); hop++) {
    const h: Record<string, string> = { 'user-agent': opts.userAgent ?? 'junction-stage', ...headers };
    if (opts.token && sameOrigin(current, api)) h['authorization'] = `Bearer ${opts.token}`;
    const res = await once(current, h, opts);
    const status = res.statusCode ?? 0;
    if (status >= 300 && status < 400 && status !== 304 && res.headers.location) {
      res.resume();
      current = new URL(res.headers.location, current);
      continue;
    }
    return { status, headers: res.headers, body: res, url: current.href };
  }
  throw new HttpError(`too many redirects starting at ${url}`, false);
}

export async function getJson(url: string, headers: Record<string, string>, opts: HttpOptions): Promise<{ status: number; json: unknown }> {
  const r = await openUrl(url, headers, opts);
  const chunks: Buffer[] = [];
  for await (const c of r.body) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (r.status < 200 || r.status >= 300) return { status: r.status, json: undefined };
  try {
    return { status: r.status, json: JSON.parse(text) };
  } catch {
    throw new HttpError(`${url} answered HTTP ${r.status} but the body is not JSON`, false, r.status);
  }
}
