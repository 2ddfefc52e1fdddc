// The loopback web host against hostile bytes from a local process: raw sockets, no HTTP client to tidy the
// request up. Whatever arrives, the answer is a 4xx and the next ordinary request is still served.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { exampleWorkspacePath } from '../../electron/services/paths';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHost } from '../../electron/services/host';
import { startWebHost, type WebHost } from '../../electron/web/server';

let host: WebHost;
const root = mkdtempSync(join(tmpdir(), 'junction-web-hostile-'));
writeFileSync(join(root, 'index.html'), '<!doctype html><title>t</title>');

beforeAll(async () => {
  host = await startWebHost({ api: createHost({ frontDoor: 'web' }), root });
});
afterAll(() => host.close());

/**
 * Sends the bytes and returns what the server answers. A client that half-closes is gone as far as Node's HTTP
 * server is concerned, so the socket stays open until an answer arrives; only a request still waiting for more
 * bytes (a truncated body) gets the end of input after 300 ms, which the parser must then refuse.
 */
function raw(bytes: Buffer | string, port = host.port): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host: '127.0.0.1', port, allowHalfOpen: true });
    const chunks: Buffer[] = [];
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(halfClose);
      clearTimeout(giveUp);
      sock.destroy();
      resolve(Buffer.concat(chunks).toString('latin1'));
    };
    const halfClose = setTimeout(() => sock.end(), 300);
    const giveUp = setTimeout(finish, 5000);
    sock.on('data', (c) => {
      chunks.push(c);
      // A whole response is in: stop (a 4xx on a kept-alive connection never closes).
      const text = Buffer.concat(chunks).toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      const length = /\r\ncontent-length: *(\d+)/i.exec(text.slice(0, end));
      if (end >= 0 && (length ? text.length >= end + 4 + Number(length[1]) : true)) finish();
    });
    sock.on('error', (e: NodeJS.ErrnoException) => {
      // A reset is the server dropping a broken connection; what it answered first is the result.
      if (chunks.length > 0 || e.code === 'ECONNRESET' || e.code === 'EPIPE') return finish();
      done = true;
      reject(e);
    });
    sock.on('close', finish);
    sock.on('connect', () => sock.write(bytes));
  });
}

const status = (reply: string) => Number(/^HTTP\/1\.[01] (\d{3}) /.exec(reply)?.[1] ?? 0);

async function stillServes(): Promise<void> {
  const reply = await raw(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nConnection: close\r\n\r\n`);
  expect(status(reply), reply.slice(0, 200)).toBe(200);
  expect(reply).toContain('<title>t</title>');
}

// A small deterministic generator, so a failing case can be replayed from its seed and index.
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('web host against malformed requests', () => {
  it('answers a request-target of http://[ with 400 and keeps serving (finding 1)', async () => {
    const host_ = `127.0.0.1:${host.port}`;
    for (const target of ['http://[', 'http://[::1', 'http://:', 'http://[/api/app.info', 'http://%zz/']) {
      const reply = await raw(`GET ${target} HTTP/1.1\r\nHost: ${host_}\r\nConnection: close\r\n\r\n`);
      expect(status(reply), `${target}: ${reply.slice(0, 200)}`).toBe(400);
      expect(reply).not.toMatch(/\n\s+at /);
    }
    await stillServes();
  });

  it('refuses an absolute-form target naming another authority', async () => {
    const reply = await raw(
      `GET http://evil.test/index.html HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nConnection: close\r\n\r\n`,
    );
    expect(status(reply)).toBe(400);
    const own = await raw(
      `GET http://127.0.0.1:${host.port}/index.html HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nConnection: close\r\n\r\n`,
    );
    expect(status(own)).toBe(200);
  });

  it('answers every fuzzed malformed request with a 4xx and still serves afterwards', async () => {
    const rand = prng(16);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
    const hostLine = `Host: 127.0.0.1:${host.port}\r\n`;
    const auth = `Authorization: Bearer ${host.token}\r\nContent-Type: application/json\r\n`;
    const junk = () =>
      Buffer.from(Array.from({ length: 1 + Math.floor(rand() * 12) }, () => Math.floor(rand() * 256)));
    const badTargets = [
      'http://[',
      'http://[::1',
      'http://]',
      'http://',
      'https://[',
      'http://127.0.0.1:99999/',
      'ftp://x/',
      '*',
      '%',
      'x',
      '//',
      '//evil.test/',
      '/%zz',
      '/%',
      '/%00',
      '/../../../../etc/passwd',
      '/api/%zz',
      '/api/' + 'a'.repeat(300),
      'http://evil.test/',
      'http://127.0.0.1:1/index.html',
    ];
    const kinds: Array<() => Buffer | string> = [
      // Malformed request lines.
      () =>
        `${pick(['GET', 'G ET', 'GE\x01T', '', 'POST'])} ${pick(['/', '', ' '])} ${pick(['HTTP/9.9', 'HTTP/1', 'HTTX/1.1', '', 'HTTP/1.1 extra'])}\r\n${hostLine}\r\n`,
      () => Buffer.concat([Buffer.from('GET /'), junk(), Buffer.from(` HTTP/1.1\r\n${hostLine}\r\n`)]),
      () => `\x00\x01\x02 / HTTP/1.1\r\n${hostLine}\r\n`,
      // Malformed or hostile request-targets with an acceptable Host.
      () =>
        `${pick(['GET', 'HEAD', 'POST', 'OPTIONS'])} ${pick(badTargets)} HTTP/1.1\r\n${hostLine}${pick(['', auth])}Connection: close\r\n\r\n`,
      // Malformed headers.
      () =>
        `GET / HTTP/1.1\r\n${hostLine}${pick(['NoColon', ' Leading: space', 'Bad Name: x', 'X-A\x00: y', 'X: a\rb', 'X:\x7f'])}\r\n\r\n`,
      () => `GET / HTTP/1.1\r\n${hostLine}X-Big: ${'a'.repeat(20_000 + Math.floor(rand() * 80_000))}\r\n\r\n`,
      () => `GET / HTTP/1.1\r\n${hostLine}${hostLine}\r\n`,
      () =>
        `GET / HTTP/1.1\r\nHost: ${pick(['', '[', 'http://[', '127.0.0.1', `127.0.0.1:${host.port}\x00`, 'evil.test'])}\r\n\r\n`,
      () =>
        `POST /api/app.info HTTP/1.1\r\n${hostLine}${auth}Content-Length: ${pick(['-1', 'abc', '1e3', '99999999999999999999'])}\r\n\r\n{}`,
      () =>
        `POST /api/app.info HTTP/1.1\r\n${hostLine}${auth}Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}`,
      () =>
        `POST /api/app.info HTTP/1.1\r\n${hostLine}${auth}Content-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n`,
      // Malformed chunked bodies, with and without the launch token.
      () =>
        `POST /api/app.info HTTP/1.1\r\n${hostLine}${pick([auth, ''])}Transfer-Encoding: chunked\r\n\r\n${pick(
          [
            'zz\r\n{}\r\n0\r\n\r\n',
            '2\r\n{}0\r\n\r\n',
            '-2\r\n{}\r\n0\r\n\r\n',
            'ffffffffffffffffff\r\n{}\r\n',
            '2;' + 'e'.repeat(20_000) + '\r\n{}\r\n0\r\n\r\n',
            '2\r\n{}\r\n',
            '5\r\n{}\r\n',
            '2\n{}\n0\n\n',
          ],
        )}`,
      () =>
        `POST /api/app.info HTTP/1.1\r\n${hostLine}${auth}Transfer-Encoding: ${pick(['gzip', 'chunked, identity', 'chunkedx', 'identity'])}\r\n\r\n2\r\n{}\r\n0\r\n\r\n`,
    ];
    const cases = 240;
    for (let i = 0; i < cases; i++) {
      const bytes = pick(kinds)();
      const reply = await raw(bytes);
      const code = status(reply);
      const shown = JSON.stringify(String(bytes).slice(0, 160));
      expect(
        code >= 400 && code < 500,
        `case ${i}: ${shown} got ${JSON.stringify(reply.slice(0, 120))}`,
      ).toBe(true);
      expect(reply, `case ${i}`).not.toMatch(/\n\s+at /);
      if (i % 40 === 39) await stillServes();
    }
    await stillServes();
  }, 120_000);
});

describe('junction serve in its own process', () => {
  it('answers http://[ with 400, prints no stack trace and keeps serving (finding 1)', async () => {
    const repo = fileURLToPath(new URL('../..', import.meta.url));
    if (!existsSync(`${repo}dist/renderer/index.html`) || !existsSync(`${repo}dist/cli.js`)) {
      const b = spawnSync(process.execPath, [`${repo}scripts/build.mjs`], { cwd: repo, encoding: 'utf8' });
      if (b.status !== 0) throw new Error(b.stderr);
    }
    const env = { ...process.env, JUNCTION_USER_DATA: mkdtempSync(join(tmpdir(), 'junction-serve-')) };
    const child = spawn(process.execPath, [`${repo}bin/junction.mjs`, 'serve', exampleWorkspacePath()], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let out = '';
      let err = '';
      child.stderr.on('data', (d) => (err += d));
      const [port, token] = await new Promise<[number, string]>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no URL printed: ${out}${err}`)), 20_000);
        child.stdout.on('data', (d) => {
          out += d;
          const m = /Open: http:\/\/127\.0\.0\.1:(\d+)\/#token=([\w-]+)/.exec(out);
          if (m) {
            clearTimeout(t);
            resolve([Number(m[1]), m[2]!]);
          }
        });
      });
      const hostLine = `Host: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`;
      const bad = await raw(`GET http://[ HTTP/1.1\r\n${hostLine}`, port);
      expect(status(bad), `${bad}\n${err}`).toBe(400);
      // Still serving: an API call (not a page, which another engineer's renderer rebuild could briefly remove).
      const call = await raw(
        `POST /api/app.info HTTP/1.1\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: 2\r\n${hostLine}{}`,
        port,
      );
      expect(status(call), `${call.slice(0, 300)}\n${err}`).toBe(200);
      expect(child.exitCode, err).toBeNull();
      expect(err).not.toMatch(/\n\s+at |TypeError/);
    } finally {
      child.kill('SIGTERM');
    }
  }, 60_000);
});
