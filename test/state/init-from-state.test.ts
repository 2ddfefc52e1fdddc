// `junction init --from-state`: a workspace built from real reports (collect-state.sh run here, and a report as
// collect-state.ps1 writes it) loads, and drift against the same reports finds nothing for those hosts.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../electron/cli/main';
import type { CliIo } from '../../electron/cli/io';
import { COLLECT_STATE_SH } from '../../shared/state/collect-sh';
import { STATE_REPORT_FORMAT } from '../../shared/state/report';
import { importStateReports } from '../../electron/bundle/state-import';
import { loadWorkspace } from '../../shared/model/load';
import { tempDir } from '../bundle/helpers';

async function cli(args: string[]) {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => (out += t), err: (t) => (err += t), cwd: process.cwd(), env: {}, isTTY: false };
  const code = await runCli(args, io);
  return { code, out, err };
}

describe('junction init --from-state', () => {
  it('builds hosts, interfaces, metrics and static routes that load, and that drift then finds no difference in', async () => {
    const media = tempDir('junction-init-state-');
    const dir = join(media, 'receipt', 'state');
    mkdirSync(dir, { recursive: true });
    const script = join(media, 'collect-state.sh');
    writeFileSync(script, COLLECT_STATE_SH);
    const run = spawnSync('bash', [script, '--host', 'linux01', '--out', dir, '--staging-root', join(media, 'none')], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    writeFileSync(
      join(dir, 'gw-1.json'),
      JSON.stringify({
        format: STATE_REPORT_FORMAT,
        host: 'GW01',
        computer: 'GW01',
        collected: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
        os: 'windows',
        interfaces: [
          { name: 'Loopback Pseudo-Interface 1', addresses: ['127.0.0.1/8', '::1/128'], interfaceMetric: 75, automaticMetric: true },
          { name: 'FrontEnd', addresses: ['192.0.2.20/24', 'fe80::1/64'], interfaceMetric: 10, automaticMetric: false },
          { name: 'Management', addresses: ['10.0.0.40/24'], interfaceMetric: 10, automaticMetric: false },
        ],
        routes: [
          { destination: '0.0.0.0/0', nextHop: '192.0.2.1', interface: 'FrontEnd', metric: 200, protocol: 'NetMgmt' },
          { destination: '10.10.0.0/16', nextHop: '10.0.0.1', interface: 'Management', metric: 300, protocol: 'NetMgmt' },
          { destination: '10.0.0.0/24', nextHop: '0.0.0.0', interface: 'Management', metric: 256, protocol: 'Local' },
        ],
      }),
    );
    const file = join(media, 'estate.junction.json');
    const r = await cli(['init', file, '--from-state', media]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('from 2 host report(s)');
    const loaded = loadWorkspace(readFileSync(file, 'utf8'), file);
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    const gw = loaded.workspace.hosts.find((h) => h.id === 'GW01')!;
    expect(gw.interfaces.map((i) => [i.name, i.address, i.interfaceMetric, i.defaultGateway, i.routeMetric])).toEqual([
      ['FrontEnd', '192.0.2.20/24', 10, '192.0.2.1', 200],
      ['Management', '10.0.0.40/24', 10, undefined, undefined],
    ]);
    expect(gw.staticRoutes).toMatchObject([{ destination: '10.10.0.0/16', nextHop: '10.0.0.1', metric: 300, interface: 'Management' }]);
    const subnets = loaded.workspace.networks.flatMap((n) => n.subnets.map((s) => [s.prefix, s.gateway]));
    expect(subnets).toContainEqual(['192.0.2.0/24', '192.0.2.1']);
    expect(loaded.workspace.hosts.map((h) => h.id).sort()).toEqual(['GW01', 'linux01']);

    // Drift of the model just built against the same reports: nothing for either host.
    const observed = join(media, 'estate.observed.json');
    const imported = await importStateReports(media, observed);
    expect(imported.problems).toEqual([]);
    const d = await cli(['drift', file, '--json', '--observed', observed, '--state-dir', join(media, 'azure')]);
    expect(JSON.parse(d.out).drift).toEqual([]);
    expect(d.code).toBe(0);

    // Writing over it needs --force; a folder with no report is a clear error.
    expect((await cli(['init', file, '--from-state', media])).code).toBe(2);
    const empty = tempDir('junction-init-empty-');
    const e = await cli(['init', join(empty, 'x.junction.json'), '--from-state', empty]);
    expect(e.code).toBe(2);
    expect(e.err).toContain('holds no valid state report');
  });
});
