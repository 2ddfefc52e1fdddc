// Real peers for the probe tests, on loopback only: certificates made by openssl, TLS/HTTPS/AMQP/TCP servers,
// a DNS responder over UDP, and servers that accept but never answer.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { createServer as createHttpsServer } from 'node:https';
import { createSocket } from 'node:dgram';
import type { AddressInfo } from 'node:net';

export interface Pki {
  dir: string;
  caPem: string;
  leaf(name: 'valid' | 'soon' | 'expired'): { key: string; cert: string };
}

function ossl(dir: string, args: string[]) {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A CA, and leaves for localhost/127.0.0.1: valid for 400 days, valid for 5 days, and expired in 2020. */
export function makePki(): Pki {
  const dir = mkdtempSync(join(tmpdir(), 'junction-probe-pki-'));
  ossl(dir, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '30', '-subj', '/CN=Junction Test CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  const csr = (name: string) => ossl(dir, ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', '/CN=localhost']);
  for (const [name, days] of [['valid', '400'], ['soon', '5']] as const) {
    csr(name);
    ossl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', days, '-extfile', 'san.ext', '-out', `${name}.pem`]);
  }
  // OpenSSL 3.0's x509 cannot backdate; `openssl ca` can, with explicit start and end dates.
  csr('expired');
  mkdirSync(join(dir, 'db'));
  writeFileSync(join(dir, 'db', 'index.txt'), '');
  writeFileSync(join(dir, 'db', 'serial'), '1000\n');
  writeFileSync(
    join(dir, 'ca.cnf'),
    `[ca]\ndefault_ca = test\n[test]\ndir = ${join(dir, 'db')}\ndatabase = $dir/index.txt\nserial = $dir/serial\nnew_certs_dir = $dir\ncertificate = ${join(dir, 'ca.pem')}\nprivate_key = ${join(dir, 'ca.key')}\ndefault_md = sha256\npolicy = any\ncopy_extensions = none\nx509_extensions = ext\nunique_subject = no\n[any]\ncommonName = supplied\n[ext]\nsubjectAltName = DNS:localhost,IP:127.0.0.1\nextendedKeyUsage = serverAuth\n`,
  );
  ossl(dir, ['ca', '-batch', '-config', 'ca.cnf', '-startdate', '20200101000000Z', '-enddate', '20200201000000Z', '-in', 'expired.csr', '-out', 'expired.pem', '-notext']);
  const read = (f: string) => readFileSync(join(dir, f), 'utf8');
  return { dir, caPem: read('ca.pem'), leaf: (name) => ({ key: read(`${name}.key`), cert: read(`${name}.pem`) }) };
}

export async function listen(server: Server, host = '127.0.0.1', port = 0): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

export function closeAll(servers: { close(cb?: () => void): unknown }[], sockets: Set<Socket>) {
  for (const s of sockets) s.destroy();
  return Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
}

/** Tracks accepted sockets so `closeAll` can end servers that keep connections open on purpose. */
export function tracked(server: Server, sockets: Set<Socket>): Server {
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return server;
}

/** A Connection.Start frame as RabbitMQ sends it: version 0-9, a server-properties table, mechanisms, locales. */
export function connectionStartFrame(): Buffer {
  const shortstr = (s: string) => Buffer.concat([Buffer.from([s.length]), Buffer.from(s)]);
  const longstr = (s: string) => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(s.length);
    return Buffer.concat([b, Buffer.from(s)]);
  };
  const table = Buffer.concat([shortstr('product'), Buffer.from('S'), longstr('junction-test-broker')]);
  const tableLen = Buffer.alloc(4);
  tableLen.writeUInt32BE(table.length);
  const payload = Buffer.concat([Buffer.from([0, 10, 0, 10, 0, 9]), tableLen, table, longstr('PLAIN AMQPLAIN'), longstr('en_US')]);
  const header = Buffer.alloc(7);
  header.writeUInt8(1, 0);
  header.writeUInt16BE(0, 1);
  header.writeUInt32BE(payload.length, 3);
  return Buffer.concat([header, payload, Buffer.from([0xce])]);
}

/** Answers the 0-9-1 protocol header with Connection.Start (in two writes, to exercise reassembly). */
export function amqpServer(sockets: Set<Socket>): Server {
  return tracked(
    createServer((s) => {
      let got = Buffer.alloc(0);
      s.on('data', (c: Buffer) => {
        got = Buffer.concat([got, c]);
        if (got.length < 8) return;
        if (got.toString('latin1', 0, 8) !== 'AMQP\x00\x00\x09\x01') {
          s.end(Buffer.from('AMQP\x00\x00\x09\x01', 'latin1'));
          return;
        }
        const frame = connectionStartFrame();
        s.write(frame.subarray(0, 5));
        setTimeout(() => s.write(frame.subarray(5)), 10);
      });
    }),
    sockets,
  );
}

export function tlsServer(key: string, cert: string, sockets: Set<Socket>): Server {
  const server = createTlsServer({ key, cert }, (s) => s.end('hello\n'));
  return tracked(server as unknown as Server, sockets);
}

export function httpsServer(key: string, cert: string, status: number, sockets: Set<Socket>): Server {
  const server = createHttpsServer({ key, cert }, (_req, res) => {
    res.statusCode = status;
    res.end('ok');
  });
  return tracked(server as unknown as Server, sockets);
}

/** Accepts TCP and then says nothing: TLS and AMQP probes must give up at their deadline. */
export function silentServer(sockets: Set<Socket>): Server {
  return tracked(createServer(() => undefined), sockets);
}

/** Minimal DNS over UDP: A records from a table, NXDOMAIN otherwise. Enough for c-ares' queries. */
export async function dnsResponder(records: Record<string, string[]>): Promise<{ port: number; close(): Promise<void>; queries: string[] }> {
  const sock = createSocket('udp4');
  const queries: string[] = [];
  sock.on('message', (msg, rinfo) => {
    let off = 12;
    const labels: string[] = [];
    while (msg[off]! > 0) {
      labels.push(msg.toString('latin1', off + 1, off + 1 + msg[off]!));
      off += msg[off]! + 1;
    }
    const qEnd = off + 5;
    const qtype = msg.readUInt16BE(off + 1);
    const name = labels.join('.').toLowerCase();
    queries.push(`${name}/${qtype}`);
    const addrs = records[name];
    const answers = qtype === 1 && addrs ? addrs : [];
    const head = Buffer.alloc(12);
    msg.copy(head, 0, 0, 2);
    head.writeUInt16BE(0x8180 | (addrs ? 0 : 3), 2); // response, RD+RA, rcode NOERROR or NXDOMAIN
    head.writeUInt16BE(1, 4);
    head.writeUInt16BE(answers.length, 6);
    const rrs = answers.map((a) => {
      const rr = Buffer.alloc(16);
      rr.writeUInt16BE(0xc00c, 0);
      rr.writeUInt16BE(1, 2);
      rr.writeUInt16BE(1, 4);
      rr.writeUInt32BE(60, 6);
      rr.writeUInt16BE(4, 10);
      a.split('.').forEach((o, i) => rr.writeUInt8(Number(o), 12 + i));
      return rr;
    });
    sock.send(Buffer.concat([head, msg.subarray(12, qEnd), ...rrs]), rinfo.port, rinfo.address);
  });
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  return { port: sock.address().port, queries, close: () => new Promise<void>((r) => sock.close(() => r())) };
}
