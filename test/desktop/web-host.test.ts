// The loopback web host's defences, tested with raw HTTP requests against a real server on 127.0.0.1.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHost } from '../../electron/services/host';
import { startWebHost, type WebHost } from '../../electron/web/server';
import { RENDERER_CSP } from '../../electron/main/security';

let host: WebHost;
const root = mkdtempSync(join(tmpdir(), 'junction-web-'));
writeFileSync(join(root, 'index.html'), '<!doctype html><title>t</title>');
writeFileSync(join(tmpdir(), 'junction-web-secret.txt'), 'TOP-SECRET-CONTENT');

beforeAll(async () => {
  host = await startWebHost({ api: createHost({ frontDoor: 'web' }), root });
});
afterAll(() => host.close());

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json(): { ok: boolean; result?: unknown; error?: { code: string; message: string } };
}

function call(opts: {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: host.port,
        method: opts.method ?? 'GET',
        path: opts.path,
        headers: { Host: `127.0.0.1:${host.port}`, ...opts.headers },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (body += c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: () => JSON.parse(body) }),
        );
      },
    );
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

const api = (channel: string, body: unknown, headers: Record<string, string> = {}) =>
  call({
    method: 'POST',
    path: `/api/${channel}`,
    headers: {
      'Content-Type': 'application/json',
      Authorization: `Bearer ${host.token}`,
      Origin: host.origin,
      ...headers,
    },
    body: JSON.stringify(body),
  });

describe('loopback web host', () => {
  it('listens on 127.0.0.1 only and hands out a URL with the token in the fragment', () => {
    expect(host.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${host.port}/#token=[A-Za-z0-9_-]{40,}$`));
  });

  it('answers a valid call with the token', async () => {
    const r = await api('app.info', {});
    expect(r.status).toBe(200);
    expect(r.json().result).toMatchObject({ frontDoor: 'web' });
  });

  it('refuses a missing or wrong token with 403', async () => {
    expect((await api('app.info', {}, { Authorization: 'Bearer nope' })).status).toBe(403);
    expect((await api('app.info', {}, { Authorization: `Bearer ${host.token.slice(0, -1)}x` })).status).toBe(
      403,
    );
    const none = await call({
      method: 'POST',
      path: '/api/app.info',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(none.status).toBe(403);
  });

  it('refuses a foreign Host header (DNS rebinding) with 403, even with the right token', async () => {
    const r = await api('app.info', {}, { Host: `attacker.example:${host.port}` });
    expect(r.status).toBe(403);
    expect(r.json().error?.message).toMatch(/Host/);
    expect((await call({ path: '/', headers: { Host: 'evil.test' } })).status).toBe(403);
    expect((await call({ path: '/', headers: { Host: `127.0.0.1:${host.port + 1}` } })).status).toBe(403);
  });

  it('refuses a cross-origin request with 403, even with the right token', async () => {
    const r = await api('app.info', {}, { Origin: 'http://evil.test' });
    expect(r.status).toBe(403);
    expect((await api('app.info', {}, { Origin: `http://127.0.0.1:${host.port + 1}` })).status).toBe(403);
    expect((await api('app.info', {}, { 'Sec-Fetch-Site': 'cross-site' })).status).toBe(403);
  });

  it('refuses an invalid payload with 400 naming the field', async () => {
    const r = await api('workspace.openFile', { path: 42 });
    expect(r.status).toBe(400);
    expect(r.json().error).toMatchObject({ code: 'bad-request' });
    expect(r.json().error?.message).toMatch(/workspace\.openFile: path:/);
    const extra = await api('workspace.parse', { fileName: 'a.json', text: '{}', sneaky: true });
    expect(extra.status).toBe(400);
    expect(extra.json().error?.message).toMatch(/sneaky/);
    const notJson = await call({
      method: 'POST',
      path: '/api/app.info',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${host.token}` },
      body: '{',
    });
    expect(notJson.status).toBe(400);
  });

  it('answers an unknown channel with 404 and non-POST API calls with 405', async () => {
    expect((await api('shell.exec', {})).status).toBe(404);
    expect((await call({ path: '/api/app.info' })).status).toBe(405);
  });

  it('serves the renderer with the CSP and never a file outside it', async () => {
    const r = await call({ path: '/' });
    expect(r.status).toBe(200);
    expect(r.headers['content-security-policy']).toBe(RENDERER_CSP);
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    for (const p of [
      '/../junction-web-secret.txt',
      '/%2e%2e/junction-web-secret.txt',
      '/..%2fjunction-web-secret.txt',
    ]) {
      const t = await call({ path: p });
      expect([403, 404], p).toContain(t.status);
      expect(t.body).not.toContain('TOP-SECRET-CONTENT');
    }
  });

  it('maps a service failure to a clear status', async () => {
    const r = await api('workspace.save', { path: '/proc/version/nope.json', text: '{}' });
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.json().error?.message).toMatch(/^workspace\.save:/);
  });
});
