// Name resolution through c-ares (dns.promises.Resolver), not getaddrinfo, so a probe can be pointed at a given
// server (the far side's DNS, or a responder on loopback in tests) and cancelled.
import { promises as dnsPromises } from 'node:dns';
import { ProbeError } from './socket';

export async function resolveName(name: string, opts: { servers?: string[]; timeoutMs: number; signal?: AbortSignal }): Promise<string[]> {
  const resolver = new dnsPromises.Resolver({ timeout: opts.timeoutMs, tries: 1 });
  if (opts.servers?.length) resolver.setServers(opts.servers);
  const onAbort = () => resolver.cancel();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    if (opts.signal?.aborted) throw new ProbeError('ABORTED', 'cancelled');
    const [v4, v6] = await Promise.allSettled([resolver.resolve4(name), resolver.resolve6(name)]);
    const addresses = [...(v4.status === 'fulfilled' ? v4.value : []), ...(v6.status === 'fulfilled' ? v6.value : [])];
    if (opts.signal?.aborted) throw new ProbeError('ABORTED', 'cancelled');
    if (addresses.length === 0) {
      const err = (v4.status === 'rejected' ? v4.reason : v6.status === 'rejected' ? v6.reason : undefined) as NodeJS.ErrnoException | undefined;
      const code = err?.code ?? 'ENODATA';
      const why: Record<string, string> = {
        ENOTFOUND: 'the name does not exist (NXDOMAIN)',
        ENODATA: 'the name exists but has no A or AAAA record',
        ETIMEOUT: `the DNS server did not answer within ${opts.timeoutMs} ms`,
        ECONNREFUSED: 'the DNS server refused the query',
        ESERVFAIL: 'the DNS server failed (SERVFAIL)',
        ECANCELLED: 'cancelled',
      };
      throw new ProbeError(code === 'ECANCELLED' ? 'ABORTED' : code, why[code] ?? err?.message ?? 'no addresses');
    }
    return addresses;
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
}
