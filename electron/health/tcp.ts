// TCP connect: the cheapest answer to "is anything listening, and does the path let a SYN through?".
import { connect } from 'node:net';
import { withSocket } from './socket';

export function tcpConnect(host: string, port: number, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  return withSocket(connect({ host, port }), timeoutMs, signal, (s) => new Promise<void>((resolve) => s.once('connect', () => resolve())));
}
