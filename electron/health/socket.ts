// One connection attempt with a deadline and an abort signal, shared by the TCP, TLS and AMQP probes: whichever
// of connect, timeout, abort or error comes first settles it, and the socket is always destroyed afterwards.
import type { Socket } from 'node:net';

export class ProbeError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function errorOf(e: unknown): { code: string; message: string } {
  if (e instanceof ProbeError) return { code: e.code, message: e.message };
  const err = e as NodeJS.ErrnoException;
  const code = err?.code ?? 'ERROR';
  const known: Record<string, string> = {
    ECONNREFUSED: 'connection refused (nothing listens on that port, or a firewall rejects it)',
    EHOSTUNREACH: 'host unreachable (no route, or ARP gets no answer)',
    ENETUNREACH: 'network unreachable (no route on this machine)',
    ECONNRESET: 'connection reset by the peer',
    ENOTFOUND: 'name does not resolve',
  };
  return { code, message: known[code] ?? err?.message ?? String(e) };
}

/**
 * Runs `work` on a socket until it resolves; rejects with TIMEOUT after `timeoutMs` (stage names what was being
 * waited for) or ABORTED when the signal fires.
 */
export function withSocket<T>(
  socket: Socket,
  timeoutMs: number,
  signal: AbortSignal | undefined,
  work: (socket: Socket, stage: (s: string) => void) => Promise<T>,
): Promise<T> {
  let stage = 'connect';
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => finish(new ProbeError('TIMEOUT', `no answer within ${timeoutMs} ms (waiting for ${stage})`)), timeoutMs);
    const onAbort = () => finish(new ProbeError('ABORTED', 'cancelled'));
    let done = false;
    function finish(err: unknown, value?: T) {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      if (err) reject(err);
      else resolve(value as T);
    }
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('error', (e) => finish(e));
    work(socket, (s) => (stage = s)).then(
      (v) => finish(undefined, v),
      (e) => finish(e),
    );
  });
}
