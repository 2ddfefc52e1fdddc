// The far-side health scripts: collect-health.sh run for real with bash against loopback peers started here
// (a TCP listener, an AMQP 0-9-1 greeter, a TLS server with a self-signed certificate, a closed port), and
// collect-health.ps1 parsed with the tree-sitter PowerShell grammar against the cmdlet catalog.
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { renderCollectHealthSh, renderCollectHealthPs1, parseHealthReport, type FarProbeGroup } from '../../shared/health/index';
import { farProbeGroups } from '../../electron/bundle/extras';
import { loadWorkspace } from '../../shared/model/load';
import { catalogProblems, parsePs } from '../generate/ps-parse';
import type { Node } from 'web-tree-sitter';

const run = promisify(execFile);
const tmp = (p: string) => mkdtempSync(join(tmpdir(), p));

const servers: Server[] = [];
const listen = (s: Server) =>
  new Promise<number>((res) => {
    servers.push(s);
    s.listen(0, '127.0.0.1', () => res((s.address() as AddressInfo).port));
  });

// Connection.Start: method frame type 1, channel 0, class 10, method 10, then a minimal body and frame end.
const CONNECTION_START = Buffer.from([1, 0, 0, 0, 0, 0, 8, 0, 10, 0, 10, 0, 9, 0, 0, 0xce]);

let tcpPort: number;
let amqpPort: number;
let tlsPort: number;
let closedPort: number;
let caFile: string;

beforeAll(async () => {
  // Peers hang up abruptly (the probes do too): connection resets are expected, not test failures.
  const quiet = (c: { on(e: 'error', f: () => void): unknown }) => c.on('error', () => undefined);
  tcpPort = await listen(createServer((c) => (quiet(c), c.end())));
  amqpPort = await listen(
    createServer((c) => {
      quiet(c);
      c.once('data', (d) => (d.subarray(0, 4).toString() === 'AMQP' ? c.end(CONNECTION_START) : c.destroy()));
    }),
  );
  const dir = tmp('junction-far-tls-');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '90', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost'], { stdio: 'pipe' });
  caFile = join(dir, 'cert.pem');
  const tlsServer = createTlsServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(caFile) }, (c) => (quiet(c), c.end()));
  tlsServer.on('tlsClientError', () => undefined);
  tlsPort = await listen(tlsServer);
  // A port that was just listening and is now closed: refused, never a timeout.
  const s = createServer();
  closedPort = await new Promise<number>((res) => s.listen(0, '127.0.0.1', () => res((s.address() as AddressInfo).port)));
  await new Promise((r) => s.close(r));
});

afterAll(() => {
  for (const s of servers) s.close();
});

function groups(): FarProbeGroup[] {
  return [
    {
      runFrom: 'cc01',
      aliases: ['cc01', 'cyclecloud01'],
      probes: [
        { id: 'p:tcp', set: 'loop', kind: 'tcp', host: '127.0.0.1', port: tcpPort },
        { id: 'p:closed', set: 'loop', kind: 'tcp', host: '127.0.0.1', port: closedPort },
        { id: 'p:amqp', set: 'loop', kind: 'amqp', host: '127.0.0.1', port: amqpPort },
        { id: 'p:amqp-wrong', set: 'loop', kind: 'amqp', host: '127.0.0.1', port: tcpPort },
        { id: 'p:tls', set: 'loop', kind: 'tls', host: '127.0.0.1', port: tlsPort, servername: 'localhost' },
        { id: 'p:dns', kind: 'dns', name: 'localhost' },
      ],
    },
    { runFrom: 'a node of snet-cluster', aliases: [], probes: [{ id: 'q:tcp', kind: 'tcp', host: '127.0.0.1', port: tcpPort }] },
  ];
}

describe('collect-health.sh', () => {
  it('is shellcheck clean, for the example workspace too', () => {
    const dir = tmp('junction-far-sc-');
    const ex = loadWorkspace(readFileSync('examples/contoso-hybrid.junction.json', 'utf8'), 'example');
    if (!ex.ok) throw new Error('example does not load');
    const exGroups = farProbeGroups(ex.workspace);
    expect(exGroups.map((g) => g.runFrom)).toContain('cc01');
    for (const [name, g] of [['t.sh', groups()], ['ex.sh', exGroups]] as const) {
      writeFileSync(join(dir, name), renderCollectHealthSh(g));
      const r = spawnSync('shellcheck', [join(dir, name)], { encoding: 'utf8' });
      expect(r.error, 'shellcheck must be installed').toBeUndefined();
      expect(r.stdout + r.stderr).toBe('');
      expect(r.status).toBe(0);
    }
  });

  it('runs for real and writes a report with the right ok/fail per probe', async () => {
    const dir = tmp('junction-far-run-');
    const script = join(dir, 'collect-health.sh');
    writeFileSync(script, renderCollectHealthSh(groups()));
    const out = join(dir, 'receipt', 'health');
    // Selected by alias, case-insensitively; exit code 1 because some probes fail by design.
    const r = await run('bash', [script, '--host', 'CycleCloud01', '--out', out, '--timeout', '3', '--ca', caFile]).then(
      () => ({ code: 0 }),
      (e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }),
    );
    expect(r.code).toBe(1);
    const files = readdirSync(out);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^cc01-\d{8}T\d{6}Z\.json$/);
    const parsed = parseHealthReport(readFileSync(join(out, files[0]!), 'utf8'));
    if (!parsed.ok) throw new Error(parsed.message);
    const rep = parsed.report;
    expect(rep.host).toBe('cc01');
    expect(Math.abs(Date.parse(rep.collected) - Date.now())).toBeLessThan(60_000);
    const by = Object.fromEntries(rep.probes.map((p) => [p.id, p]));
    expect(Object.keys(by).sort()).toEqual(['p:amqp', 'p:amqp-wrong', 'p:closed', 'p:dns', 'p:tcp', 'p:tls']);
    expect(by['p:tcp']).toMatchObject({ kind: 'tcp', target: `127.0.0.1:${tcpPort}`, status: 'ok', ok: true });
    expect(by['p:closed']).toMatchObject({ status: 'fail', ok: false });
    expect(by['p:closed']!.detail).toMatch(/refused/i);
    expect(by['p:amqp']).toMatchObject({ status: 'ok', detail: 'AMQP Connection.Start received' });
    expect(by['p:amqp-wrong']).toMatchObject({ status: 'fail', ok: false });
    expect(by['p:tls']).toMatchObject({ status: 'ok', ok: true });
    expect(by['p:tls']!.detail).toContain('trusted');
    expect(by['p:dns']).toMatchObject({ status: 'ok' });
    for (const p of rep.probes) expect(p.ms).toBeGreaterThanOrEqual(0);
  });

  it('without the CA the TLS probe fails as untrusted; an unknown host is a usage error', async () => {
    const dir = tmp('junction-far-run2-');
    const script = join(dir, 'collect-health.sh');
    writeFileSync(script, renderCollectHealthSh(groups()));
    await run('bash', [script, '--host', 'cc01', '--out', dir, '--timeout', '3']).catch(() => undefined);
    const file = readdirSync(dir).find((f) => f.endsWith('.json'))!;
    const parsed = parseHealthReport(readFileSync(join(dir, file), 'utf8'));
    if (!parsed.ok) throw new Error(parsed.message);
    const tls = parsed.report.probes.find((p) => p.id === 'p:tls')!;
    expect(tls).toMatchObject({ status: 'fail', ok: false });
    expect(tls.detail).toContain('not trusted');
    const bad = spawnSync('bash', [script, '--host', 'nope', '--out', dir], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('a node of snet-cluster');
  });
});

describe('collect-health.ps1', () => {
  it('parses with no ERROR nodes and uses only catalogued commands (besides its own functions)', async () => {
    const ex = loadWorkspace(readFileSync('examples/contoso-hybrid.junction.json', 'utf8'), 'example');
    if (!ex.ok) throw new Error('example does not load');
    for (const g of [groups(), farProbeGroups(ex.workspace)]) {
      const text = renderCollectHealthPs1(g);
      const { errors, commands, root } = await parsePs(text);
      expect(errors).toEqual([]);
      const own = new Set<string>();
      const visit = (n: Node) => {
        if (n.type === 'function_statement') {
          const name = n.children.find((c) => c?.type === 'function_name');
          if (name) own.add(name.text.toLowerCase());
        }
        for (const c of n.children) if (c) visit(c);
      };
      visit(root);
      expect([...own].sort()).toEqual(['connect-tcp', 'get-reason', 'test-amqp', 'test-dns', 'test-https', 'test-tcp', 'test-tls']);
      expect(catalogProblems(commands.filter((c) => !own.has(c.name.toLowerCase())), text)).toEqual([]);
      expect(commands.some((c) => c.name === 'ConvertTo-Json')).toBe(true);
    }
  });

  it('quotes workspace text so it cannot break out of its string', async () => {
    const text = renderCollectHealthPs1([{ runFrom: "x'; Remove-Item C:\\ -Recurse; '\u2019", aliases: [], probes: [{ id: "id'\u2018", kind: 'tcp', host: 'h', port: 1 }] }]);
    const { errors, commands } = await parsePs(text);
    expect(errors).toEqual([]);
    expect(commands.some((c) => c.name === 'Remove-Item')).toBe(false);
  });
});
