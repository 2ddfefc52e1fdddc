import { describe, expect, it } from 'vitest';
import { runCli } from '../../electron/cli/main';
import type { CliIo } from '../../electron/cli/io';
import { EXAMPLE_PATH } from '../helpers/example';

async function cli(args: string[]) {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => (out += t), err: (t) => (err += t), cwd: process.cwd(), env: {}, isTTY: false };
  const code = await runCli(args, io);
  return { code, out, err };
}

describe('junction reach', () => {
  it('exit 0 and the hop-by-hop path for the license link', async () => {
    const r = await cli(['reach', EXAMPLE_PATH, '--from', 'azure-nodes', '--to', 'lic01', '--port', '27000']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/REACHABLE/);
    expect(r.out).toMatch(/junction box jb01/);
  });
  it('exit 1 for a blocked flow, naming the rule and where it is declared', async () => {
    const r = await cli(['reach', EXAMPLE_PATH, '--from', 'cc01', '--to', 'Internet', '--port', '443']);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/BlockOutbound.*priority 4000/);
    expect(r.out).toMatch(/\$\.azure\.nsgs\[0\]\.rules\[4\]/);
  });
  it('--json carries the verdict and hops', async () => {
    const r = await cli(['reach', EXAMPLE_PATH, '--from', 'gwvm01', '--to', 'Internet', '--port', '443', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.verdict).toBe('reachable');
    expect(j.hops[0].decidedBy.path).toBe('$.hosts[9].interfaces[0].routeMetric');
  });
  it('exit 2 for an unknown host, listing close matches', async () => {
    const r = await cli(['reach', EXAMPLE_PATH, '--from', 'cyclecloud', '--to', 'lic1', '--port', '443']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unknown source "cyclecloud"/);
    expect(r.err).toMatch(/did you mean .*"cyclecloud01"/);
  });
  it('exit 2 for a bad port, protocol or missing option', async () => {
    expect((await cli(['reach', EXAMPLE_PATH, '--from', 'cc01', '--to', 'Storage', '--port', 'https'])).code).toBe(2);
    const proto = await cli(['reach', EXAMPLE_PATH, '--from', 'cc01', '--to', 'Storage', '--port', '443', '--proto', 'icmp']);
    expect(proto.code).toBe(2);
    expect(proto.err).toMatch(/use tcp or udp/);
    expect((await cli(['reach', EXAMPLE_PATH, '--from', 'cc01', '--port', '443'])).code).toBe(2);
  });
  it('--proto udp is honoured (the NSG allows are TCP only)', async () => {
    const r = await cli(['reach', EXAMPLE_PATH, '--from', 'cc01', '--to', 'Storage', '--port', '443', '--proto', 'udp']);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/UDP 443: BLOCKED/);
  });
});
