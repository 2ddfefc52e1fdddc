import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../electron/cli/main';
import type { CliIo } from '../../electron/cli/io';
import { EXAMPLE_PATH } from '../helpers/example';

// Each call gets its own state folder unless given one: a cached service-tag list must never leak between tests.
async function cli(args: string[], stateDir = mkdtempSync(join(tmpdir(), 'junction-reach-state-'))) {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => (out += t), err: (t) => (err += t), cwd: process.cwd(), env: { JUNCTION_STATE_DIR: stateDir }, isTTY: false };
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

  it('matches an address against a service tag from the ServiceTags file, then from the cached copy', async () => {
    const state = mkdtempSync(join(tmpdir(), 'junction-reach-tags-'));
    const q = ['reach', EXAMPLE_PATH, '--from', 'cc01', '--to', '20.60.40.4', '--port', '443'];
    // Without a list the address is just Internet to the NSG: CycleCloud's outbound deny decides.
    const none = await cli(q, state);
    expect(none.code).toBe(1);
    expect(none.err).toMatch(/no service-tag list/);
    const file = join(state, 'ServiceTags_Public_20261130.json');
    writeFileSync(
      file,
      JSON.stringify({
        changeNumber: 412,
        cloud: 'Public',
        values: [
          { name: 'Storage', id: 'Storage', properties: { addressPrefixes: ['20.60.0.0/16', '2603:1000::/40'] } },
          { name: 'Storage.WestEurope', id: 'Storage.WestEurope', properties: { addressPrefixes: ['20.60.40.0/24'] } },
        ],
      }),
    );
    const given = await cli([...q, '--service-tags', file], state);
    expect(given.code, given.out + given.err).toBe(0);
    expect(given.out).toMatch(/Service tags: change 412 \(Public\)/);
    expect(given.out).toMatch(/AllowAzureStorage/);
    const cached = await cli(q, state);
    expect(cached.code).toBe(0);
    expect(cached.out).toMatch(/from the cached list/);
    expect(JSON.parse(readFileSync(join(state, 'service-tags.json'), 'utf8'))).toMatchObject({ changeNumber: 412 });
    // A file that is not Microsoft's: the file, the path in it, and the fix.
    writeFileSync(file, JSON.stringify({ changeNumber: 1, cloud: 'Public', values: [{ name: 'Storage', properties: { addressPrefixes: ['20.60.0.0/33'] } }] }));
    const bad = await cli([...q, '--service-tags', file], state);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain(`${file}: $.values[0].properties.addressPrefixes[0]: "20.60.0.0/33" is not an address prefix`);
    expect(bad.err).not.toMatch(/at .*\.ts:\d+/);
  });
});
