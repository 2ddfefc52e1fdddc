import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server, Socket } from 'node:net';
import { runCli } from '../../electron/cli/main';
import type { CliIo } from '../../electron/cli/io';
import { EXAMPLE_PATH, byId, type Raw, load, rawExample } from '../helpers/example';

const find = (xs: Raw[], id: string): Raw => byId(xs, id);
import { probeSets, CYCLECLOUD_OUTBOUND_ENDPOINTS } from '../../electron/health/sets';
import { readHistory, seriesFor, appendHistory } from '../../electron/health/history';
import { amqpServer, closeAll, listen, makePki, tlsServer } from './peers';

async function cli(args: string[]) {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => (out += t), err: (t) => (err += t), cwd: process.cwd(), env: {}, isTTY: false };
  return { code: await runCli(args, io), out: () => out, err: () => err };
}

// CycleCloud's ports are fixed (5672, 9443); a loopback address of its own keeps them clear of anything on 127.0.0.1.
const CC = `127.77.${process.pid % 250}.4`;
const sockets = new Set<Socket>();
const servers: Server[] = [];
let dir: string;
let ws: string;

beforeAll(async () => {
  const pki = makePki();
  const amqp = amqpServer(sockets);
  const tls = tlsServer(pki.leaf('valid').key, pki.leaf('valid').cert, sockets);
  servers.push(amqp, tls);
  await listen(amqp, CC, 5672);
  await listen(tls, CC, 9443);
  dir = mkdtempSync(join(tmpdir(), 'junction-probe-cli-'));
  const raw = rawExample();
  find(raw.hosts, 'cc01').interfaces[0].address = `${CC}/24`;
  ws = join(dir, 'loop.junction.json');
  writeFileSync(ws, JSON.stringify(raw, null, 2));
  writeFileSync(join(dir, 'ca.pem'), pki.caPem);
});
afterAll(() => closeAll(servers, sockets));

describe('probe sets from the workspace', () => {
  it('derives the seed 002 outbound endpoints, the cluster ports and the license ports', () => {
    const sets = probeSets(load(rawExample()));
    expect(sets.map((s) => s.name)).toEqual(['cyclecloud-outbound', 'cyclecloud-cluster', 'license-link']);
    const outbound = sets[0]!.probes;
    expect(outbound.filter((p) => p.kind === 'https').map((p) => (p.kind === 'https' ? new URL(p.url).hostname : ''))).toEqual([...CYCLECLOUD_OUTBOUND_ENDPOINTS]);
    expect(sets[1]!.probes).toMatchObject([
      { kind: 'amqp', host: '10.50.2.4', port: 5672 },
      { kind: 'tls', host: '10.50.2.4', port: 9443 },
    ]);
    expect(sets[2]!.probes).toMatchObject([
      { kind: 'tcp', host: '10.10.1.20', port: 27000, runFrom: 'azure-nodes' },
      { kind: 'tcp', host: '10.10.1.20', port: 27001, runFrom: 'azure-nodes' },
    ]);
  });

  it('--list prints the plan without sending anything', async () => {
    const r = await cli(['probe', EXAMPLE_PATH, '--list', '--set', 'license-link']);
    expect(r.code).toBe(0);
    expect(r.out()).toMatch(/license-link +tcp +10\.10\.1\.20:27000 +\(run from azure-nodes\)/);
  });

  it('an unknown set is bad input naming the sets that exist', async () => {
    const r = await cli(['probe', EXAMPLE_PATH, '--set', 'nope', '--list']);
    expect(r.code).toBe(2);
    expect(r.err()).toMatch(/sets in this workspace: cyclecloud-outbound, cyclecloud-cluster, license-link/);
  });
});

describe('junction probe against real loopback peers', () => {
  it('runs the cyclecloud-cluster set, appends to the history and keeps appending', async () => {
    const history = join(dir, 'h.jsonl');
    const r1 = await cli(['probe', ws, '--set', 'cyclecloud-cluster', '--ca', join(dir, 'ca.pem'), '--history', history, '--timeout', '2000']);
    expect(r1.out()).toMatch(/ok +amqp +127\.77\.\d+\.4:5672 .*Connection\.Start/);
    // The test certificate names localhost and 127.0.0.1, not this address: the TLS probe says so and fails.
    expect(r1.out()).toMatch(/FAIL +tls +127\.77\.\d+\.4:9443 .*does not name the host/);
    expect(r1.code).toBe(1);
    // Where the results were taken, and that they are not the cluster nodes' view (issue 17).
    expect(r1.out()).toContain('taken from this machine; these probes are meant to run from a node of snet-cluster:');
    await cli(['probe', ws, '--set', 'cyclecloud-cluster', '--ca', join(dir, 'ca.pem'), '--history', history, '--timeout', '2000']);
    const h = await readHistory(history);
    expect(h.results).toHaveLength(4);
    expect(h.skipped).toBe(0);
    const amqp = seriesFor(h.results, 'cc-main:amqp:5672');
    expect(amqp).toHaveLength(2);
    expect(amqp[0]!.at <= amqp[1]!.at).toBe(true);
    expect(readFileSync(history, 'utf8').split('\n').filter(Boolean).every((l) => JSON.parse(l).set === 'cyclecloud-cluster')).toBe(true);
  });

  it('a torn last line (a crash mid-append) is skipped and counted, and appends continue after it', async () => {
    const history = join(dir, 'torn.jsonl');
    writeFileSync(history, '{"id":"x","at":"2026-01-01T00:00:00Z","status":"ok"}\n{"id":"y","at":');
    await appendHistory(history, [{ id: 'z', kind: 'tcp', target: 'a:1', status: 'ok', at: '2026-01-02T00:00:00Z', ms: 1, message: '' }]);
    const h = await readHistory(history);
    expect(h.results.map((r) => r.id)).toEqual(['x', 'z']);
    expect(h.skipped).toBe(1);
  });

  it('direct probes: tcp to a listener (exit 0), to a closed port (exit 1), bad target (exit 2)', async () => {
    const ok = await cli(['probe', 'amqp', `${CC}:5672`, '--json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.out()).results[0].amqp).toEqual({ versionMajor: 0, versionMinor: 9 });
    const closed = await cli(['probe', 'tcp', `${CC}:5673`]);
    expect(closed.code).toBe(1);
    expect(closed.out()).toMatch(/refused/);
    const bad = await cli(['probe', 'tcp', 'nohostport']);
    expect(bad.code).toBe(2);
    expect(bad.err()).toMatch(/not HOST:PORT/);
  });
});
