// The console's drift channel through the host's dispatch: an unsaved document has no observed state; a saved one
// is compared with the state planted beside it (<ws>.observed.json), with the same differences as `junction drift
// --json`, each located in the text; a broken observed file or a document that does not load is a sentence, not a throw.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHost, dispatch, memorySettings } from '../../electron/services/host';
import { ApiError, type JunctionApi } from '../../shared/api/contract';
import type { DriftAnswer } from '../../shared/api/drift-api';
import type { HostState } from '../../shared/state/report';
import { generateAll } from '../../shared/generate/index';
import { runCli } from '../../electron/cli/main';
import type { CliIo } from '../../electron/cli/io';
import { EXAMPLE_TEXT, load, rawExample } from '../helpers/example';

let dir: string;
let wsFile: string;
let stateDir: string;
let api: JunctionApi;
const doc = { fileName: 'contoso.junction.json', text: EXAMPLE_TEXT };
const call = (payload: unknown) => dispatch(api, 'drift.report', payload) as Promise<DriftAnswer>;
const ok = (a: DriftAnswer) => {
  if (!a.ok) throw new Error(`expected an answer, got: ${a.error}`);
  return a;
};

const ws = load(rawExample());
const COLLECTED = '2026-11-22T10:00:00Z';
/** jb01 as collect-state.ps1 reports it, with the relay account disabled and RRAS handing out another prefix. */
const jb01: HostState = {
  host: 'jb01',
  collected: COLLECTED,
  os: 'windows',
  interfaces: [{ name: 'Ethernet', addresses: ['10.10.99.10/24', '2001:db8:10:99::10/64'] }],
  routes: [
    {
      destination: '0.0.0.0/0',
      nextHop: '10.10.99.1',
      interface: 'Ethernet',
      metric: 0,
      protocol: 'NetMgmt',
    },
  ],
  certificates: [],
  rras: { installed: true, vpnStatus: 'Installed', ipv6Config: 'Prefix: 2099:1::\n' },
  relayAccounts: [{ name: 'relayUSER', exists: true, enabled: false }],
  vpnConnections: [],
  problems: [],
};

function plantObserved(states: HostState[]): void {
  const hosts = Object.fromEntries(
    states.map((s) => [
      s.host.toLowerCase(),
      {
        host: s.host,
        file: `receipt/state/${s.host}-20261122T100000Z.json`,
        sha256: '0'.repeat(64),
        importedAt: COLLECTED,
        state: s,
      },
    ]),
  );
  writeFileSync(join(dir, 'contoso.observed.json'), JSON.stringify({ version: 1, hosts }));
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'junction-drift-host-'));
  wsFile = join(dir, 'contoso.junction.json');
  writeFileSync(wsFile, EXAMPLE_TEXT);
  // An empty state directory: no Azure snapshot, so only the hosts are compared.
  stateDir = join(dir, 'azure-state');
  api = createHost({ frontDoor: 'test', settings: memorySettings({ azure: { connection: { stateDir } } }) });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('drift.report', () => {
  it('an unsaved document: no observed state, and it says why', async () => {
    const a = ok(await call(doc));
    expect(a.hasObserved).toBe(false);
    expect(a.items).toEqual([]);
    expect(a.note).toMatch(/not saved/);
  });

  it('a saved workspace with no reports yet: nothing compared, every host unobserved', async () => {
    const a = ok(await call({ ...doc, workspace: wsFile }));
    expect(a.hasObserved).toBe(false);
    expect(a.observedFile).toBe(join(dir, 'contoso.observed.json'));
    expect(a.items).toEqual([]);
    expect(a.unobserved).toContain('jb01');
    expect(a.note).toMatch(/No state reports yet/);
  });

  it('planted drift: each difference with its path, observed value and time, the fixing step and its place in the text — as the CLI says', async () => {
    plantObserved([jb01]);
    const a = ok(await call({ ...doc, workspace: wsFile }));
    expect(a.hasObserved).toBe(true);
    expect(a.observedHosts).toBe(1);
    expect(a.unobserved).not.toContain('jb01');
    expect(a.driftedHosts).toEqual(['jb01']);
    expect(a.items.map((i) => [i.kind, i.host, i.path, i.observed, i.observedAt])).toEqual([
      ['rras', 'jb01', '$.licenseLinks[0].ipv6Prefix', 'Prefix: 2099:1::', COLLECTED],
      ['relay-account', 'jb01', '$.licenseLinks[0].relayAccount.name', 'disabled', COLLECTED],
    ]);
    const ll = generateAll(ws).steps.find((s) => s.target.id === 'jb01' && s.scenario === 'license-link')!;
    for (const i of a.items) {
      expect(i.fix.step).toBe(ll.number);
      expect(i.fix.text).toContain(`run step ${ll.number}`);
    }
    // Located where the editor shows it: the relay account's name and the link's prefix.
    const lines = EXAMPLE_TEXT.split('\n');
    const relay = a.items.find((i) => i.kind === 'relay-account')!;
    expect(lines[relay.line! - 1]).toContain(`"${ws.licenseLinks[0]!.relayAccount.name}"`);
    expect(lines[a.items[0]!.line! - 1]).toContain(`"ipv6Prefix": "${ws.licenseLinks[0]!.ipv6Prefix}"`);

    // The CLI on the same files gives the same differences.
    let out = '';
    const io: CliIo = { out: (t) => (out += t), err: () => undefined, cwd: dir, env: {}, isTTY: false };
    expect(await runCli(['drift', wsFile, '--json', '--state-dir', stateDir], io)).toBe(1);
    const cli = JSON.parse(out) as { drift: unknown[] };
    expect(a.items.map(({ line: _l, column: _c, ...rest }) => rest)).toEqual(cli.drift);
  });

  it('the edited text is what is compared: a model that matches the host has no drift for it', async () => {
    plantObserved([jb01]);
    const raw = rawExample();
    raw.licenseLinks[0].ipv6Prefix = '2099:1::';
    const a = ok(
      await call({ fileName: doc.fileName, text: JSON.stringify(raw, null, 2), workspace: wsFile }),
    );
    expect(a.items.map((i) => i.kind)).toEqual(['relay-account']);
  });

  it('a broken observed file, or a document that does not load: a sentence naming the file, not an exception', async () => {
    writeFileSync(join(dir, 'contoso.observed.json'), '{ not json');
    const a = await call({ ...doc, workspace: wsFile });
    expect(a.ok).toBe(false);
    expect(!a.ok && a.error).toContain('contoso.observed.json is not JSON');
    expect(!a.ok && a.error).toContain('receipt import');
    const b = await call({ ...doc, text: '{"version": 1}', workspace: wsFile });
    expect(b.ok).toBe(false);
    expect(!b.ok && b.error).toMatch(/schema problem/);
  });

  it('the request is checked by the contract', async () => {
    await expect(call({ ...doc, workspace: '' })).rejects.toBeInstanceOf(ApiError);
  });
});
