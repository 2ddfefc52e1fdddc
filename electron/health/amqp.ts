// AMQP 0-9-1 opening (CycleCloud's port 5672, seed 002): send the protocol header and expect the server's
// Connection.Start method frame. A TCP connect alone cannot tell a broker from anything else on the port.
import { connect } from 'node:net';
import { ProbeError, withSocket } from './socket';

export const AMQP_HEADER = Buffer.from([0x41, 0x4d, 0x51, 0x50, 0x00, 0x00, 0x09, 0x01]); // "AMQP" 0 0 9 1
const FRAME_METHOD = 1;
const FRAME_END = 0xce;
const CLASS_CONNECTION = 10;
const METHOD_START = 10;

export type AmqpAnswer =
  | { kind: 'start'; versionMajor: number; versionMinor: number }
  | { kind: 'version-mismatch'; offered: string }
  | { kind: 'not-amqp'; firstBytes: string }
  | { kind: 'incomplete' };

/** Reads the server's first bytes; pure, so the framing rules are tested without sockets. */
export function parseAmqpOpening(buf: Buffer): AmqpAnswer {
  if (buf.length >= 4 && buf.subarray(0, 4).toString('latin1') === 'AMQP') {
    if (buf.length < 8) return { kind: 'incomplete' };
    return { kind: 'version-mismatch', offered: `${buf[5]}-${buf[6]}-${buf[7]}` };
  }
  if (buf.length < 7) return buf.length > 0 && buf[0] !== FRAME_METHOD ? notAmqp(buf) : { kind: 'incomplete' };
  const type = buf.readUInt8(0);
  const channel = buf.readUInt16BE(1);
  const size = buf.readUInt32BE(3);
  if (type !== FRAME_METHOD || channel !== 0 || size < 6 || size > 1 << 20) return notAmqp(buf);
  if (buf.length < 7 + size + 1) return { kind: 'incomplete' };
  if (buf.readUInt16BE(7) !== CLASS_CONNECTION || buf.readUInt16BE(9) !== METHOD_START || buf[7 + size] !== FRAME_END) return notAmqp(buf);
  return { kind: 'start', versionMajor: buf.readUInt8(11), versionMinor: buf.readUInt8(12) };
}

function notAmqp(buf: Buffer): AmqpAnswer {
  return { kind: 'not-amqp', firstBytes: JSON.stringify(buf.subarray(0, 16).toString('latin1')) };
}

export function amqpHandshake(host: string, port: number, timeoutMs: number, signal?: AbortSignal): Promise<{ versionMajor: number; versionMinor: number }> {
  return withSocket(connect({ host, port }), timeoutMs, signal, (s, stage) =>
    new Promise((resolve, reject) => {
      let buf = Buffer.alloc(0);
      s.once('connect', () => {
        stage('Connection.Start');
        s.write(AMQP_HEADER);
      });
      s.on('data', (chunk: Buffer) => {
        buf = Buffer.concat([buf, chunk]);
        const a = parseAmqpOpening(buf);
        if (a.kind === 'start') resolve({ versionMajor: a.versionMajor, versionMinor: a.versionMinor });
        else if (a.kind === 'version-mismatch') reject(new ProbeError('AMQP_VERSION', `the server speaks AMQP but not 0-9-1 (it offers ${a.offered})`));
        else if (a.kind === 'not-amqp') reject(new ProbeError('NOT_AMQP', `the server answered, but not with an AMQP Connection.Start (first bytes ${a.firstBytes})`));
      });
      s.once('end', () => reject(new ProbeError('NOT_AMQP', `the server closed the connection without a Connection.Start (${buf.length} bytes received)`)));
    }),
  );
}
