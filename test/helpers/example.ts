// Test helpers around the embedded example: a fresh raw copy to plant mistakes in, and a loader that fails loudly.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadWorkspace } from '../../shared/model/load';
import type { Workspace } from '../../shared/model/schema';

export const EXAMPLE_PATH = fileURLToPath(
  new URL('../../examples/contoso-hybrid.junction.json', import.meta.url),
);
export const EXAMPLE_TEXT = readFileSync(EXAMPLE_PATH, 'utf8');
/** Lint time fixed so certificate expiry does not make the suite a time bomb. */
export const FIXED_NOW = new Date('2026-11-22T12:00:00Z');

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Raw = any;

export function rawExample(): Raw {
  return JSON.parse(EXAMPLE_TEXT);
}

export function load(raw: Raw, file = 'planted.junction.json'): Workspace {
  const r = loadWorkspace(JSON.stringify(raw, null, 2), file);
  if (!r.ok) throw new Error(`fixture does not load: ${JSON.stringify(r.problems, null, 2)}`);
  return r.workspace;
}

export function byId<T extends { id: string }>(items: T[], id: string): T {
  const hit = items.find((x) => x.id === id);
  if (!hit) throw new Error(`no ${id} in fixture`);
  return hit;
}

/**
 * The example with CycleCloud (cc01) and the license server (lic01) moved onto loopback addresses a test listens on.
 * cc01's FQDN becomes localhost: the TLS probe's server name, which the test certificate carries.
 */
export function loopbackExample(cc: string, lic: string): string {
  const raw: Raw = rawExample();
  const cc01 = byId<Raw>(raw.hosts, 'cc01');
  cc01.interfaces[0].address = `${cc}/24`;
  cc01.fqdn = 'localhost';
  byId<Raw>(raw.hosts, 'lic01').interfaces[0].address = `${lic}/24`;
  return JSON.stringify(raw, null, 2);
}

/**
 * A far-side report as collect-health.sh writes it onto the media: from a compute node, both license ports of
 * `lic` timed out. `extra` adds probes of other sets.
 */
export function licenseDownReport(lic: string, collected: string, extra: object[] = []): string {
  const timedOut = (port: number) => ({
    id: `ll-flexlm:tcp:${port}`,
    set: 'license-link',
    kind: 'tcp',
    target: `${lic}:${port}`,
    status: 'fail',
    ok: false,
    detail: 'timed out after 5000 ms',
    ms: 5000,
  });
  return JSON.stringify({
    format: 'junction-health/1',
    host: 'azure-nodes',
    computer: 'NODE-07',
    collected,
    tool: 'collect-health.sh',
    probes: [timedOut(27000), timedOut(27001), ...extra],
  });
}
