// Running probes: one probe to one result (never a throw), and many at bounded concurrency with a shared
// deadline per probe and one AbortSignal that cancels whatever has not finished.
import { amqpHandshake } from './amqp';
import { resolveName } from './dns';
import { httpsStatus } from './https';
import { errorOf } from './socket';
import { tcpConnect } from './tcp';
import { tlsHandshake } from './tls';
import { DEFAULT_TIMEOUT_MS, targetOf, type ProbeOptions, type ProbeResult, type ProbeSpec, type ProbeStatus, type TlsDetail } from './types';

function tlsStatus(t: TlsDetail): { status: ProbeStatus; message: string } {
  const leaf = t.chain[0];
  const days = leaf ? `${leaf.daysLeft} day${leaf.daysLeft === 1 ? '' : 's'}` : 'unknown';
  const parts = [`${t.protocol ?? 'TLS'}`, leaf ? `certificate "${leaf.subject}" expires ${leaf.validTo.slice(0, 10)} (${days} left)` : 'no certificate'];
  if (!t.authorized) parts.push(`not trusted: ${t.authorizationError ?? 'unknown reason'}`);
  if (!t.hostnameMatches) parts.push(`does not name the host (names: ${leaf?.names.join(', ') || 'none'})`);
  if (t.expiry === 'within-7-days') parts.push('expires within 7 days');
  else if (t.expiry === 'within-30-days') parts.push('expires within 30 days');
  const fail = t.expiry === 'expired' || !t.authorized || !t.hostnameMatches;
  return { status: fail ? 'fail' : t.expiry === 'ok' ? 'ok' : 'warning', message: parts.join('; ') };
}

export async function runProbe(spec: ProbeSpec, opts: ProbeOptions = {}): Promise<ProbeResult> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const now = opts.now ?? (() => new Date());
  const started = now();
  const t0 = performance.now();
  const base = { id: spec.id, set: spec.set, kind: spec.kind, target: targetOf(spec), at: started.toISOString() };
  const ms = () => Math.round((performance.now() - t0) * 10) / 10;
  if (opts.signal?.aborted) return { ...base, status: 'cancelled', ms: 0, message: 'cancelled before it ran' };
  try {
    switch (spec.kind) {
      case 'dns': {
        const addresses = await resolveName(spec.name, { servers: opts.dnsServers, timeoutMs, signal: opts.signal });
        return { ...base, status: 'ok', ms: ms(), message: `resolves to ${addresses.join(', ')}`, addresses };
      }
      case 'tcp':
        await tcpConnect(spec.host, spec.port, timeoutMs, opts.signal);
        return { ...base, status: 'ok', ms: ms(), message: 'TCP connection accepted' };
      case 'tls': {
        const tls = await tlsHandshake(spec.host, spec.port, { servername: spec.servername, ca: opts.ca, timeoutMs, signal: opts.signal, now: started });
        return { ...base, ...tlsStatus(tls), ms: ms(), tls };
      }
      case 'https': {
        const r = await httpsStatus(spec.url, { ca: opts.ca, timeoutMs, signal: opts.signal, now: started });
        const t = r.tls ? tlsStatus(r.tls) : undefined;
        const status: ProbeStatus = r.status >= 500 ? 'fail' : (t?.status ?? 'ok');
        return { ...base, status, ms: ms(), httpStatus: r.status, tls: r.tls, message: `HTTP ${r.status}${t ? `; ${t.message}` : ''}` };
      }
      case 'amqp': {
        const v = await amqpHandshake(spec.host, spec.port, timeoutMs, opts.signal);
        return { ...base, status: 'ok', ms: ms(), amqp: v, message: `AMQP Connection.Start received (server protocol ${v.versionMajor}-${v.versionMinor})` };
      }
    }
  } catch (e) {
    const error = errorOf(e);
    if (error.code === 'ABORTED') return { ...base, status: 'cancelled', ms: ms(), message: 'cancelled', error };
    return { ...base, status: 'fail', ms: ms(), message: error.message, error };
  }
}

export interface RunOptions extends ProbeOptions {
  /** Probes in flight at once; a sweep must not exhaust file descriptors or look like a port scan. */
  concurrency?: number;
  onResult?: (r: ProbeResult) => void;
}

/** Results in the order of `specs`; probes not yet started when the signal fires come back as cancelled. */
export async function runProbes(specs: readonly ProbeSpec[], opts: RunOptions = {}): Promise<ProbeResult[]> {
  const limit = Math.max(1, Math.min(opts.concurrency ?? 32, specs.length || 1));
  const results: ProbeResult[] = new Array(specs.length);
  let next = 0;
  const worker = async () => {
    while (next < specs.length) {
      const i = next++;
      const r = await runProbe(specs[i]!, opts);
      results[i] = r;
      opts.onResult?.(r);
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return results;
}

export function overallStatus(results: readonly ProbeResult[]): ProbeStatus {
  if (results.some((r) => r.status === 'fail')) return 'fail';
  if (results.some((r) => r.status === 'cancelled')) return 'cancelled';
  if (results.some((r) => r.status === 'warning')) return 'warning';
  return 'ok';
}
