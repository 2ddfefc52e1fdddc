// HTTPS status: the service answers at the HTTP layer (any status means the path, TLS and the server work; a
// proxy's 407 or a 403 from a firewall appliance shows up here rather than as a mystery timeout).
import { request } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { ProbeError } from './socket';
import { tlsDetail } from './tls';
import type { TlsDetail } from './types';

export function httpsStatus(
  url: string,
  opts: { ca?: string | string[]; timeoutMs: number; signal?: AbortSignal; now: Date },
): Promise<{ status: number; tls?: TlsDetail }> {
  return new Promise((resolve, reject) => {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      return reject(new ProbeError('BAD_URL', `"${url}" is not a URL`));
    }
    if (u.protocol !== 'https:') return reject(new ProbeError('BAD_URL', `"${url}" is not an https:// URL`));
    const req = request(u, { method: 'GET', ca: opts.ca, signal: opts.signal, agent: false, headers: { 'user-agent': 'junction-probe' } });
    const timer = setTimeout(() => req.destroy(new ProbeError('TIMEOUT', `no HTTP answer within ${opts.timeoutMs} ms`)), opts.timeoutMs);
    req.once('response', (res) => {
      clearTimeout(timer);
      const sock = res.socket as TLSSocket;
      const tls = typeof sock.getPeerCertificate === 'function' ? tlsDetail(sock, u.hostname.replace(/^\[|\]$/g, ''), opts.now) : undefined;
      res.resume();
      res.once('end', () => resolve({ status: res.statusCode ?? 0, tls }));
      res.once('error', () => resolve({ status: res.statusCode ?? 0, tls }));
    });
    req.once('error', (e) => {
      clearTimeout(timer);
      if ((e as NodeJS.ErrnoException).name === 'AbortError') reject(new ProbeError('ABORTED', 'cancelled'));
      else reject(e);
    });
    req.end();
  });
}
