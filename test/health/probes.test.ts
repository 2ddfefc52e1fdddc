import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { runProbe, runProbes, overallStatus } from '../../electron/health/run';
import { parseAmqpOpening } from '../../electron/health/amqp';
import { amqpServer, closeAll, connectionStartFrame, dnsResponder, httpsServer, listen, makePki, silentServer, tlsServer, tracked, type Pki } from './peers';

const sockets = new Set<Socket>();
const servers: Server[] = [];
let pki: Pki;
const port: Record<string, number> = {};

async function start(name: string, s: Server) {
  servers.push(s);
  port[name] = await listen(s);
}

beforeAll(async () => {
  pki = makePki();
  await start('tcp', tracked(createServer((s) => s.end()), sockets));
  await start('tlsValid', tlsServer(pki.leaf('valid').key, pki.leaf('valid').cert, sockets));
  await start('tlsSoon', tlsServer(pki.leaf('soon').key, pki.leaf('soon').cert, sockets));
  await start('tlsExpired', tlsServer(pki.leaf('expired').key, pki.leaf('expired').cert, sockets));
  await start('https200', httpsServer(pki.leaf('valid').key, pki.leaf('valid').cert, 200, sockets));
  await start('https503', httpsServer(pki.leaf('valid').key, pki.leaf('valid').cert, 503, sockets));
  await start('amqp', amqpServer(sockets));
  await start('silent', silentServer(sockets));
  await start('http', tracked(createServer((s) => s.once('data', () => s.end('HTTP/1.1 400 Bad Request\r\n\r\n'))), sockets));
  // A port that was just free: bind, note, close. Nothing listens there during the test.
  const tmp = createServer();
  port['closed'] = await listen(tmp);
  await new Promise<void>((r) => tmp.close(() => r()));
});
afterAll(() => closeAll(servers, sockets));

describe('the certificates the tests use are what they claim (checked with openssl’s own parser via X509Certificate)', () => {
  it('valid, soon-expiring and expired leaves', () => {
    const now = Date.now();
    const to = (n: 'valid' | 'soon' | 'expired') => new Date(new X509Certificate(pki.leaf(n).cert).validTo).getTime();
    expect(to('valid')).toBeGreaterThan(now + 300 * 86_400_000);
    expect(to('soon')).toBeLessThan(now + 6 * 86_400_000);
    expect(to('expired')).toBeLessThan(now);
    const verify = (f: string) => spawnSync('openssl', ['verify', '-CAfile', 'ca.pem', f], { cwd: pki.dir, encoding: 'utf8' });
    expect(verify('valid.pem').status).toBe(0);
    const expired = verify('expired.pem');
    expect(expired.status).not.toBe(0);
    expect(expired.stdout + expired.stderr).toMatch(/certificate has expired/);
  }, 20_000);
});

const T = { timeoutMs: 2000 };

describe('TCP', () => {
  it('connects to a listener and reports a closed port as refused', async () => {
    expect((await runProbe({ id: 'a', kind: 'tcp', host: '127.0.0.1', port: port.tcp! }, T)).status).toBe('ok');
    const closed = await runProbe({ id: 'b', kind: 'tcp', host: '127.0.0.1', port: port.closed! }, T);
    expect(closed.status).toBe('fail');
    expect(closed.error?.code).toBe('ECONNREFUSED');
    expect(closed.message).toMatch(/refused/);
  });
});

describe('TLS', () => {
  it('a valid certificate from a trusted CA: ok, with chain, names and days left', async () => {
    const r = await runProbe({ id: 't', kind: 'tls', host: '127.0.0.1', port: port.tlsValid!, servername: 'localhost' }, { ...T, ca: pki.caPem });
    expect(r.status).toBe('ok');
    expect(r.tls?.authorized).toBe(true);
    expect(r.tls?.hostnameMatches).toBe(true);
    expect(r.tls?.chain[0]?.names).toEqual(expect.arrayContaining(['localhost', '127.0.0.1']));
    expect(r.tls?.chain[0]?.daysLeft).toBeGreaterThan(390);
    const fp = new X509Certificate(pki.leaf('valid').cert).fingerprint256;
    expect(r.tls?.chain[0]?.fingerprint256).toBe(fp);
    expect(r.tls?.expiry).toBe('ok');
  });

  it('the same certificate without its CA is reported as untrusted', async () => {
    const r = await runProbe({ id: 't', kind: 'tls', host: '127.0.0.1', port: port.tlsValid!, servername: 'localhost' }, T);
    expect(r.status).toBe('fail');
    expect(r.tls?.authorized).toBe(false);
    expect(r.message).toMatch(/not trusted/);
  });

  it('a certificate that lapses in 5 days is a warning (7-day class); the 30-day class sits between', async () => {
    const r = await runProbe({ id: 't', kind: 'tls', host: '127.0.0.1', port: port.tlsSoon!, servername: 'localhost' }, { ...T, ca: pki.caPem });
    expect(r.status).toBe('warning');
    expect(r.tls?.expiry).toBe('within-7-days');
    // Seen from 20 days earlier the same certificate has ~25 days left: the 30-day warning.
    const earlier = new Date(Date.now() - 20 * 86_400_000);
    const r30 = await runProbe({ id: 't', kind: 'tls', host: '127.0.0.1', port: port.tlsSoon!, servername: 'localhost' }, { ...T, ca: pki.caPem, now: () => earlier });
    expect(r30.tls?.expiry).toBe('within-30-days');
    expect(r30.message).toMatch(/within 30 days/);
  });

  it('an expired certificate fails, naming the expiry', async () => {
    const r = await runProbe({ id: 't', kind: 'tls', host: '127.0.0.1', port: port.tlsExpired!, servername: 'localhost' }, { ...T, ca: pki.caPem });
    expect(r.status).toBe('fail');
    expect(r.tls?.expiry).toBe('expired');
    expect(r.tls?.authorizationError).toBe('CERT_HAS_EXPIRED');
    expect(r.tls?.chain[0]?.validTo.slice(0, 10)).toBe('2020-02-01');
  });

  it('a wrong host name fails', async () => {
    const r = await runProbe({ id: 't', kind: 'tls', host: '127.0.0.1', port: port.tlsValid!, servername: 'cyclecloud.contoso.com' }, { ...T, ca: pki.caPem });
    expect(r.tls?.hostnameMatches).toBe(false);
    expect(r.status).toBe('fail');
  });

  it('a server that accepts TCP but never answers the handshake times out at the deadline', async () => {
    const t0 = Date.now();
    const r = await runProbe({ id: 't', kind: 'tls', host: '127.0.0.1', port: port.silent! }, { timeoutMs: 300 });
    expect(r.status).toBe('fail');
    expect(r.error?.code).toBe('TIMEOUT');
    expect(r.message).toMatch(/TLS handshake/);
    expect(Date.now() - t0).toBeLessThan(2000);
  });
});

describe('HTTPS', () => {
  it('reports the status code, with the TLS details', async () => {
    const ok = await runProbe({ id: 'h', kind: 'https', url: `https://localhost:${port.https200}/` }, { ...T, ca: pki.caPem });
    expect(ok.httpStatus).toBe(200);
    expect(ok.status).toBe('ok');
    expect(ok.tls?.authorized).toBe(true);
    const bad = await runProbe({ id: 'h', kind: 'https', url: `https://localhost:${port.https503}/` }, { ...T, ca: pki.caPem });
    expect(bad.httpStatus).toBe(503);
    expect(bad.status).toBe('fail');
  });
  it('an untrusted server fails the request', async () => {
    const r = await runProbe({ id: 'h', kind: 'https', url: `https://localhost:${port.https200}/` }, T);
    expect(r.status).toBe('fail');
    expect(r.error?.code).toMatch(/UNABLE_TO_VERIFY|SELF_SIGNED|UNABLE_TO_GET_ISSUER/);
  });
});

describe('AMQP 0-9-1', () => {
  it('parses a Connection.Start frame and rejects other openings', () => {
    expect(parseAmqpOpening(connectionStartFrame())).toEqual({ kind: 'start', versionMajor: 0, versionMinor: 9 });
    expect(parseAmqpOpening(Buffer.from('AMQP\x00\x00\x09\x01', 'latin1'))).toEqual({ kind: 'version-mismatch', offered: '0-9-1' });
    expect(parseAmqpOpening(Buffer.from('HTTP/1.1 400 Bad Request')).kind).toBe('not-amqp');
    expect(parseAmqpOpening(connectionStartFrame().subarray(0, 20)).kind).toBe('incomplete');
    const wrongMethod = connectionStartFrame();
    wrongMethod.writeUInt16BE(11, 9); // Connection.Secure, not Start
    expect(parseAmqpOpening(wrongMethod).kind).toBe('not-amqp');
  });
  it('a listener speaking the 0-9-1 opening answers with Connection.Start', async () => {
    const r = await runProbe({ id: 'q', kind: 'amqp', host: '127.0.0.1', port: port.amqp! }, T);
    expect(r.status).toBe('ok');
    expect(r.amqp).toEqual({ versionMajor: 0, versionMinor: 9 });
  });
  it('a non-AMQP server (HTTP) is reported as such', async () => {
    const r = await runProbe({ id: 'q', kind: 'amqp', host: '127.0.0.1', port: port.http! }, T);
    expect(r.status).toBe('fail');
    expect(r.error?.code).toBe('NOT_AMQP');
    expect(r.message).toMatch(/HTTP\/1\.1 400/);
  });
  it('a server that never answers the protocol header times out', async () => {
    const r = await runProbe({ id: 'q', kind: 'amqp', host: '127.0.0.1', port: port.silent! }, { timeoutMs: 300 });
    expect(r.error?.code).toBe('TIMEOUT');
    expect(r.message).toMatch(/Connection\.Start/);
  });
  it('a closed port is refused', async () => {
    expect((await runProbe({ id: 'q', kind: 'amqp', host: '127.0.0.1', port: port.closed! }, T)).error?.code).toBe('ECONNREFUSED');
  });
});

describe('DNS through an injected server (a UDP responder on loopback)', () => {
  it('resolves a known name and reports NXDOMAIN for an unknown one', async () => {
    const dns = await dnsResponder({ 'management.azure.com': ['192.0.2.10', '192.0.2.11'] });
    try {
      const servers = [`127.0.0.1:${dns.port}`];
      const ok = await runProbe({ id: 'd', kind: 'dns', name: 'management.azure.com' }, { ...T, dnsServers: servers });
      expect(ok.status).toBe('ok');
      expect(ok.addresses?.sort()).toEqual(['192.0.2.10', '192.0.2.11']);
      const nx = await runProbe({ id: 'd', kind: 'dns', name: 'nope.invalid' }, { ...T, dnsServers: servers });
      expect(nx.status).toBe('fail');
      expect(nx.error?.code).toBe('ENOTFOUND');
      expect(dns.queries).toContain('management.azure.com/1');
    } finally {
      await dns.close();
    }
  });
});

describe('bounded concurrency and cancel', () => {
  it('never has more than the limit in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    const s = tracked(
      createServer((c) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        setTimeout(() => {
          inFlight--;
          c.end(Buffer.from('AMQP\x00\x00\x09\x01', 'latin1'));
        }, 30);
      }),
      sockets,
    );
    servers.push(s);
    const p = await listen(s);
    const specs = Array.from({ length: 20 }, (_, i) => ({ id: `c${i}`, kind: 'amqp' as const, host: '127.0.0.1', port: p }));
    const results = await runProbes(specs, { concurrency: 4, timeoutMs: 2000 });
    expect(results).toHaveLength(20);
    expect(results.every((r) => r.error?.code === 'AMQP_VERSION')).toBe(true);
    expect(peak).toBeLessThanOrEqual(4);
    expect(peak).toBeGreaterThan(1);
  });

  it('an abort cancels probes in flight and those not started', async () => {
    const controller = new AbortController();
    const specs = Array.from({ length: 6 }, (_, i) => ({ id: `s${i}`, kind: 'amqp' as const, host: '127.0.0.1', port: port.silent! }));
    setTimeout(() => controller.abort(), 100);
    const t0 = Date.now();
    const results = await runProbes(specs, { concurrency: 2, timeoutMs: 10_000, signal: controller.signal });
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(results.map((r) => r.status)).toEqual(Array(6).fill('cancelled'));
    expect(overallStatus(results)).toBe('cancelled');
  });
});

describe('timeout to a non-answering address in a network namespace this test creates', () => {
  const ns = `jx-probe-${process.pid}`;
  let reason: string | undefined;
  beforeAll(() => {
    const steps: string[][] = [
      ['netns', 'add', ns],
      ['-n', ns, 'link', 'set', 'lo', 'up'],
      ['-n', ns, 'link', 'add', 'jxa', 'type', 'veth', 'peer', 'name', 'jxb'],
      ['-n', ns, 'addr', 'add', '10.231.0.1/24', 'dev', 'jxa'],
      ['-n', ns, 'link', 'set', 'jxa', 'up'],
      ['-n', ns, 'link', 'set', 'jxb', 'up'],
    ];
    for (const s of steps) {
      const r = spawnSync('ip', s, { encoding: 'utf8' });
      if (r.status !== 0) {
        reason = `ip ${s.join(' ')} failed: ${(r.stderr || r.error?.message || '').trim()}`;
        return;
      }
    }
  });
  afterAll(() => {
    spawnSync('ip', ['netns', 'del', ns]);
  });

  it('a TCP probe to 10.231.0.2 (nobody answers ARP on the veth) times out', (ctx) => {
    if (reason) {
      console.warn(`skipped: ${reason}`);
      ctx.skip();
    }
    const child = fileURLToPath(new URL('./netns-child.ts', import.meta.url));
    const r = spawnSync('ip', ['netns', 'exec', ns, process.execPath, '--import', 'tsx', child, 'tcp', '10.231.0.2', '443', '400'], { encoding: 'utf8', timeout: 20_000 });
    expect(r.status, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.status).toBe('fail');
    expect(result.error.code).toBe('TIMEOUT');
    expect(result.ms).toBeGreaterThanOrEqual(390);
  }, 30_000);
});
