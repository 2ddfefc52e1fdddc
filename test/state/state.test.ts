// Far-side state: collect-state.sh runs for real here (ip -j), collect-state.ps1 parses against the cmdlet catalog,
// reports ride back through `junction receipt import`, and `junction drift` names planted differences (a route
// metric, a missing certificate, a changed NSG rule) with the step that fixes each.
import { describe, expect, it, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../electron/cli/main';
import type { CliIo } from '../../electron/cli/io';
import { parseStateReport, hostStateOf, STATE_REPORT_FORMAT, MAX_STATE_REPORT_BYTES } from '../../shared/state/report';
import { importStateReports } from '../../electron/bundle/state-import';
import { renderCollectStatePs1 } from '../../shared/state/collect-ps1';
import { loadWorkspace } from '../../shared/model/load';
import { catalogProblems, parsePs } from '../generate/ps-parse';
import type { Node } from 'web-tree-sitter';
import { makeTestKey, tempDir } from '../bundle/helpers';

async function cli(args: string[], env: Record<string, string> = {}) {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => (out += t), err: (t) => (err += t), cwd: process.cwd(), env, isTTY: false };
  const code = await runCli(args, io);
  return { code, out, err };
}

let work: string;
let ws: string;
let bundle: string;
let staging: string;

beforeAll(async () => {
  work = tempDir('junction-state-');
  ws = join(work, 'contoso.junction.json');
  copyFileSync('examples/contoso-hybrid.junction.json', ws);
  const key = makeTestKey('State Signer');
  bundle = join(work, 'bundle');
  const r = await cli(['bundle', 'build', ws, '--out', bundle, '--sign-key', key.pfx, '--password-file', key.passwordFile]);
  expect(r.code, r.err).toBe(0);
  // A CycleCloud staging tree as stage-cyclecloud.sh leaves it: slurm 2.5.0 (modelled) and an extra project.
  staging = join(work, 'staging');
  for (const d of ['projects/slurm/2.5.0/specs', 'projects/slurm/blobs', 'projects/oldproj/1.0.0']) mkdirSync(join(staging, d), { recursive: true });
  writeFileSync(join(staging, 'projects/slurm/2.5.0/project.ini'), '[project]\nname = slurm\n');
  writeFileSync(join(staging, 'projects/slurm/blobs/a "quoted" blob.whl'), 'x');
  writeFileSync(join(staging, 'projects/oldproj/1.0.0/project.ini'), '[project]\n');
}, 60_000);

const example = () => {
  const r = loadWorkspace(readFileSync('examples/contoso-hybrid.junction.json', 'utf8'), 'example');
  if (!r.ok) throw new Error('example does not load');
  return r.workspace;
};

describe('collectors', () => {
  it('every bundle carries both, and apply.sh/apply.ps1 run them at the end', () => {
    const m = JSON.parse(readFileSync(join(bundle, 'manifest.json'), 'utf8')) as { files: { path: string }[] };
    expect(m.files.map((f) => f.path)).toEqual(expect.arrayContaining(['files/state/collect-state.sh', 'files/state/collect-state.ps1']));
    expect(readFileSync(join(bundle, 'apply.sh'), 'utf8')).toContain('bash files/state/collect-state.sh --host "$planned"');
    expect(readFileSync(join(bundle, 'apply.ps1'), 'utf8')).toContain("'files\\state\\collect-state.ps1'");
    expect(readFileSync(join(bundle, 'RUNBOOK.md'), 'utf8')).toContain('Collect state on the far side');
  });

  it('collect-state.sh is shellcheck clean and bash -n clean', () => {
    const sh = join(bundle, 'files/state/collect-state.sh');
    const sc = spawnSync('shellcheck', [sh], { encoding: 'utf8' });
    expect(sc.error, 'shellcheck must be installed').toBeUndefined();
    expect(sc.stdout + sc.stderr).toBe('');
    expect(spawnSync('bash', ['-n', sh]).status).toBe(0);
  });

  it('collect-state.ps1 parses without errors and uses only catalogued commands (besides its own functions); it reads no secrets', async () => {
    const text = renderCollectStatePs1(example());
    const { errors, commands, root } = await parsePs(text);
    expect(errors).toEqual([]);
    const own = new Set<string>();
    const walk = (n: Node) => {
      if (n.type === 'function_statement') {
        const name = n.children.find((c) => c?.type === 'function_name');
        if (name) own.add(name.text.toLowerCase());
      }
      for (const c of n.children) if (c) walk(c);
    };
    walk(root);
    expect(own).toContain('convertto-jsontext');
    expect(catalogProblems(commands.filter((c) => !own.has(c.name.toLowerCase())), text)).toEqual([]);
    // The workspace's stores and the relay account name are in it; no password, key or export call.
    expect(text).toContain("'LocalMachine\\My'");
    expect(text).toContain("'relayUSER'");
    expect(text).not.toMatch(/Export-PfxCertificate|PrivateKey\.|Get-Credential|ConvertFrom-SecureString|passwordRef/i);
  });

  it('collect-state.sh runs here and writes a report that validates: addresses, routes, the staging tree', () => {
    const r = spawnSync('bash', [join(bundle, 'files/state/collect-state.sh'), '--host', 'cc01', '--staging-root', staging], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const dir = join(bundle, 'receipt', 'state');
    const files = readdirSync(dir);
    expect(files).toHaveLength(1);
    const parsed = parseStateReport(readFileSync(join(dir, files[0]!), 'utf8'));
    expect(parsed.ok, parsed.ok ? '' : parsed.message).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.report).toMatchObject({ format: STATE_REPORT_FORMAT, host: 'cc01', os: 'linux' });
    const st = hostStateOf(parsed.report);
    // Compared with iproute2 itself, read independently here.
    const ip = JSON.parse(spawnSync('ip', ['-j', 'addr', 'show'], { encoding: 'utf8' }).stdout) as { ifname: string; addr_info: { local: string; prefixlen: number }[] }[];
    expect(st.interfaces.map((i) => i.name)).toEqual(ip.map((i) => i.ifname));
    expect(st.interfaces.find((i) => i.name === 'lo')?.addresses).toContain('127.0.0.1/8');
    const routes = JSON.parse(spawnSync('ip', ['-j', 'route', 'show', 'table', 'main'], { encoding: 'utf8' }).stdout) as unknown[];
    expect(st.routes.length).toBeGreaterThanOrEqual(routes.length);
    expect(st.staging?.present).toBe(true);
    expect(st.staging?.files.map((f) => f.path).sort()).toEqual(['projects/oldproj/1.0.0/project.ini', 'projects/slurm/2.5.0/project.ini', 'projects/slurm/blobs/a "quoted" blob.whl']);
  });
});

/** A report as collect-state.ps1 writes it for a Windows host, with what the model says except what a test plants. */
function windowsReport(host: string, collected: string, extra: Record<string, unknown>) {
  return JSON.stringify({ format: STATE_REPORT_FORMAT, host, computer: host.toUpperCase(), collected, os: 'windows', tool: 'collect-state.ps1', ...extra });
}

describe('receipt import and drift', () => {
  it('round-trips the reports, keeps the latest per host, and drift names the planted differences with their fixing step', async () => {
    const dir = join(bundle, 'receipt', 'state');
    const now = Date.now();
    const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
    // GatewayVM01: the Management route to 10.10.0.0/16 has metric 500 (the model says 300); everything else as modelled.
    const gw = {
      interfaces: [
        { name: 'FrontEnd', index: 3, addresses: ['77.233.248.20/24'], interfaceMetric: 10, automaticMetric: false },
        { name: 'Management', index: 4, addresses: ['10.0.0.40/24'], interfaceMetric: 10, automaticMetric: false },
      ],
      routes: [
        { destination: '0.0.0.0/0', nextHop: '77.233.248.1', interface: 'FrontEnd', metric: 200, protocol: 'NetMgmt' },
        { destination: '0.0.0.0/0', nextHop: '10.0.0.1', interface: 'Management', metric: 300, protocol: 'NetMgmt' },
        { destination: '10.10.0.0/16', nextHop: '10.0.0.1', interface: 'Management', metric: 500, protocol: 'NetMgmt' },
        { destination: '10.0.0.0/16', nextHop: '10.0.0.1', interface: 'Management', metric: 300, protocol: 'NetMgmt' },
      ],
      certificates: [],
    };
    writeFileSync(join(dir, `gwvm01-old.json`), windowsReport('gwvm01', iso(now - 3_600_000), { ...gw, routes: gw.routes.map((r) => ({ ...r, metric: 999 })) }));
    writeFileSync(join(dir, `gwvm01-new.json`), windowsReport('gwvm01', iso(now - 60_000), gw));
    // RDGW01: the Remote Console certificate is in both stores; the TLS certificate is missing from LocalMachine\My.
    const rc = { thumbprint: 'A'.repeat(40), subject: 'CN=Remote Console Connect', notAfter: '2028-11-01T00:00:00Z', eku: ['1.3.6.1.5.5.7.3.2'], hasPrivateKey: false };
    writeFileSync(
      join(dir, 'rdgw01-x.json'),
      windowsReport('RDGW01', iso(now - 120_000), {
        interfaces: [
          { name: 'FrontEnd', addresses: ['77.233.248.30/24'], interfaceMetric: 25, automaticMetric: true },
          { name: 'Management', addresses: ['10.0.0.50/24'], interfaceMetric: 15, automaticMetric: true },
        ],
        routes: [
          { destination: '0.0.0.0/0', nextHop: '77.233.248.1', interface: 'FrontEnd', metric: 0, protocol: 'NetMgmt' },
          { destination: '10.0.0.0/16', nextHop: '10.0.0.1', interface: 'Management', metric: 1, protocol: 'NetMgmt' },
        ],
        // PowerShell 5.1 writes a one-element list as the element: accepted.
        certificates: [{ ...rc, store: 'LocalMachine\\My' }, { ...rc, store: 'LocalMachine\\Root' }],
        problems: null,
      }),
    );
    // Bad reports: not JSON, a field of the wrong type. Each named; nothing of them imported.
    writeFileSync(join(dir, 'broken.json'), '{"format":"junction-state/1"');
    writeFileSync(join(dir, 'hv01-bad.json'), windowsReport('hv01', iso(now), { routes: [{ destination: '0.0.0.0/0', nextHop: '10.0.0.1', metric: 'high' }] }));

    const r = await cli(['receipt', 'import', bundle, '--workspace', ws, '--history', 'none', '--json']);
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out) as { observedFile: string; stateReports: { host: string }[]; warnings: string[] };
    expect(j.stateReports.map((s) => s.host).sort()).toEqual(['RDGW01', 'cc01', 'gwvm01']);
    expect(j.warnings.join('\n')).toMatch(/broken\.json: not JSON/);
    expect(j.warnings.join('\n')).toMatch(/hv01-bad\.json: at \$\.routes\[0\]\.metric: /);
    const observed = JSON.parse(readFileSync(j.observedFile, 'utf8')) as { hosts: Record<string, { file: string; state: { routes: { metric?: number }[] } }> };
    expect(Object.keys(observed.hosts).sort()).toEqual(['cc01', 'gwvm01', 'rdgw01']);
    expect(observed.hosts['gwvm01']!.file).toBe('receipt/state/gwvm01-new.json');
    expect(observed.hosts['hv01']).toBeUndefined();

    const again = await cli(['receipt', 'import', bundle, '--workspace', ws, '--history', 'none', '--json']);
    expect(JSON.parse(again.out).stateReports).toEqual([]);

    const d = await cli(['drift', ws, '--json', '--state-dir', join(work, 'no-azure')]);
    expect(d.code, d.err).toBe(1);
    const drift = JSON.parse(d.out) as { drift: { kind: string; host: string; path: string; expected: unknown; observed: unknown; observedAt: string; fix: { step?: number; text: string } }[]; unobserved: string[] };
    const metric = drift.drift.find((x) => x.kind === 'route-metric' && x.host === 'gwvm01');
    expect(metric).toMatchObject({ path: '$.hosts[9].staticRoutes[0].metric', expected: 300, observed: 500, observedAt: iso(now - 60_000) });
    expect(metric!.fix.step).toBeGreaterThan(0);
    expect(metric!.fix.text).toMatch(/^run step \d+ \(.*\): gwvm01\/gateway-routes\//);
    expect(drift.drift.filter((x) => x.host === 'gwvm01')).toHaveLength(1);
    const cert = drift.drift.find((x) => x.kind === 'certificate-missing' && x.host === 'rdgw01');
    expect(cert).toMatchObject({ path: '$.certificates[2].placements[0]', expected: 'CN=rdconnect.contoso.com in LocalMachine\\My' });
    expect(cert!.fix.text).toMatch(/run step \d+/);
    expect(drift.drift.filter((x) => x.host === 'rdgw01').map((x) => x.kind)).toEqual(['certificate-missing']);
    // cc01 (this machine): the staging tree lists slurm 2.5.0 as modelled, plus one project the model does not.
    expect(drift.drift.filter((x) => x.host === 'cc01' && x.kind.startsWith('staging'))).toMatchObject([{ kind: 'staging-extra', observed: 'oldproj/1.0.0' }]);
    expect(drift.unobserved).toContain('hv01');

    const text = await cli(['drift', ws, '--state-dir', join(work, 'no-azure')]);
    expect(text.out).toContain('~ gwvm01: GatewayVM01 route to 10.10.0.0/16 via 10.0.0.1 has metric 500, the model says 300');
    expect(text.out).toMatch(/observed: 500 at \S+ \(receipt\/state\/gwvm01-new\.json\)/);
    expect(text.out).toContain('no snapshot of live state yet');
  }, 60_000);

  it('the state reader refuses links, special files and oversized reports on its own too', async () => {
    const media = tempDir('junction-state-media-');
    const dir = join(media, 'receipt', 'state');
    mkdirSync(dir, { recursive: true });
    symlinkSync('/etc/hostname', join(dir, 'link.json'));
    mkdirSync(join(dir, 'folder.json'));
    writeFileSync(join(dir, 'huge.json'), Buffer.alloc(MAX_STATE_REPORT_BYTES + 1, 32));
    spawnSync('mkfifo', [join(dir, 'fifo.json')]);
    const observedFile = join(media, 'x.observed.json');
    const r = await importStateReports(media, observedFile);
    expect(r.updated).toEqual([]);
    const all = r.problems.join('\n');
    expect(all).toMatch(/link\.json: is a symbolic link; report not imported/);
    expect(all).toMatch(/folder\.json: is a folder; report not imported/);
    expect(all).toMatch(/fifo\.json: is a FIFO \(named pipe\); report not imported/);
    expect(all).toMatch(/huge\.json: is \d+ bytes, more than the \d+ bytes allowed for it; report not imported/);
    expect(existsSync(observedFile)).toBe(false);
    // A link on the way (receipt/state itself a link to elsewhere) is refused before anything is listed.
    const other = tempDir('junction-state-media2-');
    mkdirSync(join(other, 'receipt'), { recursive: true });
    symlinkSync(dir, join(other, 'receipt', 'state'));
    const viaLink = await importStateReports(other, observedFile);
    expect(viaLink.updated).toEqual([]);
    expect(viaLink.problems.join('\n')).toMatch(/receipt\/state: is a symbolic link, not a folder; refused; no state report was read/);
  });

  it('a damaged observed-state file: drift exits 2 naming it, the import leaves it and says so', async () => {
    const media = tempDir('junction-state-damaged-');
    mkdirSync(join(media, 'receipt', 'state'), { recursive: true });
    writeFileSync(join(media, 'receipt', 'state', 'h.json'), windowsReport('h', '2026-01-01T00:00:00Z', {}));
    const observedFile = join(media, 'x.observed.json');
    writeFileSync(observedFile, '{"version": 1, "hosts": ');
    const r = await importStateReports(media, observedFile);
    expect(r.updated).toEqual([]);
    expect(r.problems.join('\n')).toMatch(/x\.observed\.json is not JSON .*no state report was imported/);
    expect(readFileSync(observedFile, 'utf8')).toBe('{"version": 1, "hosts": ');
    const d = await cli(['drift', ws, '--observed', observedFile]);
    expect(d.code).toBe(2);
    expect(d.err).toContain('x.observed.json is not JSON');
    expect(d.err).not.toMatch(/\n\s+at /);
  });

  it('drift on a workspace that does not load exits 2 with the located problem', async () => {
    const bad = join(work, 'bad.junction.json');
    writeFileSync(bad, '{"schemaVersion": 1, "name": 3}');
    const r = await cli(['drift', bad]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('bad.junction.json');
  });
});
