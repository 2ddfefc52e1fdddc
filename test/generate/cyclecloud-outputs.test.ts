// The CycleCloud scripts and runbook steps of seed 002 beyond the NSG step (see test/azure/outputs.test.ts): the
// outbound check decides per host whether an endpoint is required or advisory, its dry run claims nothing, and the
// runbook stages the projects before the first cluster start (and bundle build warns when the staging is missing).
import { describe, it, expect, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateAll, type GenerateResult } from '../../shared/generate';
import { EXAMPLE_PATH, load, rawExample } from '../helpers/example';
import { cli } from '../helpers/cli';
import { makeTestKey, type TestKey } from '../bundle/helpers';

const outboundOf = (r: GenerateResult) => r.files.find((f) => f.path.endsWith('check-outbound.sh'))!.content;

function writeScript(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'junction-cc-'));
  const f = join(dir, 'check.sh');
  writeFileSync(f, text, { mode: 0o700 });
  return f;
}

/**
 * Runs a script in a new user + network + mount namespace: only loopback, and /etc/hosts replaced so the seed's
 * host names resolve to loopback addresses the test picks (nothing listens there, so every probe fails fast).
 */
function inNamespace(script: string, hosts: Record<string, string>, args: string[] = []): { code: number; out: string } {
  const dir = mkdtempSync(join(tmpdir(), 'junction-ns-'));
  const hostsFile = join(dir, 'hosts');
  writeFileSync(hostsFile, Object.entries(hosts).map(([h, ip]) => `${ip} ${h}`).join('\n') + '\n');
  const inner = `ip link set lo up && mount --bind "$1" /etc/hosts && shift && exec bash "$@"`;
  const r = spawnSync('unshare', ['-rnm', 'bash', '-c', inner, '_', hostsFile, script, '--timeout', '1', ...args], {
    encoding: 'utf8',
    env: { ...process.env, JUNCTION_LOG_DIR: join(dir, 'logs'), HOME: dir },
    timeout: 60_000,
  });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}
const canUnshare = spawnSync('unshare', ['-rnm', 'true']).status === 0;

const SEED_HOSTS = ['management.azure.com', 'login.microsoftonline.com', 'watson.telemetry.microsoft.com', 'dc.applicationinsights.azure.com', 'dc.applicationinsights.microsoft.com', 'dc.services.visualstudio.com', 'ratecard.azure-api.net'];

describe('CycleCloud outbound check', () => {
  let plain: GenerateResult;
  beforeAll(() => {
    plain = generateAll(load(rawExample()));
  });

  it('without a service-tag list: hosts in an allowed tag are required, telemetry and rate card advisory', () => {
    const s = outboundOf(plain);
    expect(s).toMatch(/probe management\.azure\.com 443 '[^']*AzureResourceManager[^']*' required/);
    expect(s).toMatch(/probe login\.microsoftonline\.com 443 '[^']*' required/);
    expect(s).toMatch(/probe dc\.services\.visualstudio\.com 443 '[^']*' required/);
    expect(s).toMatch(/probe watson\.telemetry\.microsoft\.com 443 '[^']*' advisory/);
    expect(s).toMatch(/probe ratecard\.azure-api\.net 443 '[^']*' advisory/);
  });

  it('--dry-run tests nothing and does not claim that every endpoint answered', () => {
    const r = spawnSync('bash', [writeScript(outboundOf(plain)), '--dry-run'], { encoding: 'utf8', env: { ...process.env, JUNCTION_LOG_DIR: mkdtempSync(join(tmpdir(), 'junction-log-')) } });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(/all endpoints answered/);
    expect(r.stdout).toMatch(/dry run: nothing was tested/);
    expect(r.stdout).toMatch(/would test watson\.telemetry\.microsoft\.com:443 .*advisory/);
  });

  it.skipIf(!canUnshare)('with the cached service-tag list: decided per host from the address it resolves to', () => {
    const tagged = generateAll(load(rawExample()), {
      serviceTagPrefixes: { AzureResourceManager: ['127.0.0.0/24', '2603:1000::/40'], AzureMonitor: ['127.0.1.0/24'], AzureActiveDirectory: ['127.0.2.0/24'], Storage: ['127.0.3.0/24'], AzureCloud: ['127.0.0.0/8'] },
    });
    const script = writeScript(outboundOf(tagged));
    expect(outboundOf(tagged)).not.toMatch(/127\.0\.0\.0\/8|AzureCloud/); // only the tags the NSG allows
    // management.azure.com resolves into AzureResourceManager: required, and nothing answers -> the check fails.
    const inTag = Object.fromEntries(SEED_HOSTS.map((h, i) => [h, h === 'management.azure.com' ? '127.0.0.9' : `127.9.0.${i + 1}`]));
    const a = inNamespace(script, inTag);
    expect(a.code, a.out).toBe(3);
    expect(a.out).toMatch(/FAIL {2}management\.azure\.com:443 .*AzureResourceManager/);
    expect(a.out).toMatch(/ADVISORY {2}watson\.telemetry\.microsoft\.com:443/);
    expect(a.out).not.toMatch(/FAIL {2}(watson|ratecard|login|dc\.)/);
    // Every name outside the allowed tags: all advisory, the check passes and says so.
    const outside = Object.fromEntries(SEED_HOSTS.map((h, i) => [h, `127.9.0.${i + 1}`]));
    const b = inNamespace(script, outside);
    expect(b.code, b.out).toBe(0);
    expect(b.out).toMatch(/every required endpoint answered; 7 advisory endpoint\(s\) did not/);
    expect(b.out).not.toMatch(/all endpoints answered/);
  });

  it('every generated CycleCloud script passes shellcheck (with and without a service-tag list)', () => {
    const tagged = generateAll(load(rawExample()), { serviceTagPrefixes: { AzureResourceManager: ['20.0.0.0/8'] } });
    for (const r of [plain, tagged])
      for (const f of r.files.filter((x) => x.path.endsWith('.sh') && x.path.includes('/cyclecloud/'))) {
        const sc = spawnSync('shellcheck', ['-s', 'bash', writeScript(f.content)], { encoding: 'utf8' });
        expect(sc.status, `${f.path}\n${sc.stdout}`).toBe(0);
      }
  });
});

describe('CycleCloud staging in the runbook', () => {
  it('a locked-down entry with projects gets the stage fetch / stage-cyclecloud.sh step before the first cluster start', () => {
    const r = generateAll(load(rawExample()));
    const stage = r.steps.find((s) => s.scenario === 'cyclecloud' && /Stage the CycleCloud projects/.test(s.title));
    expect(stage).toBeDefined();
    expect(stage!.commands.join('\n')).toMatch(/junction stage fetch <workspace> --out <folder>/);
    expect(stage!.commands.join('\n')).toMatch(/stage-cyclecloud\.sh --dry-run/);
    expect(stage!.title).toMatch(/slurm 2\.5\.0/);
    const firstNode = r.steps.find((s) => s.scenario === 'cyclecloud' && /cluster node/.test(s.title))!;
    expect(stage!.number).toBeLessThan(firstNode.number);
    expect(r.runbook).toContain('junction stage fetch <workspace> --out <folder>');
    expect(r.runbook).toContain('sudo bash staging/cyclecloud/stage-cyclecloud.sh');
  });

  it('no staging step when the entry is not locked down or has no projects', () => {
    for (const edit of [(cc: Record<string, unknown>) => (cc['lockedDown'] = false), (cc: Record<string, unknown>) => (cc['projects'] = [])]) {
      const raw = rawExample() as Record<string, unknown> & { cycleCloud: Record<string, unknown>[] };
      edit(raw.cycleCloud[0]!);
      const r = generateAll(load(raw));
      expect(r.steps.some((s) => /Stage the CycleCloud projects/.test(s.title))).toBe(false);
    }
  });
});

describe('bundle build and CycleCloud staging', () => {
  let key: TestKey;
  beforeAll(() => {
    key = makeTestKey();
  });

  it('warns when a locked-down CycleCloud with projects is bundled without --staging', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'junction-b-')), 'bundle');
    const r = await cli(['bundle', 'build', EXAMPLE_PATH, '--out', out, '--sign-key', key.pfx, '--password-file', key.passwordFile, '--allow-lint-errors']);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/warning: CycleCloud \(locked down\) \(slurm 2\.5\.0\) is locked down and has projects, but the bundle has no --staging/);
    expect(r.err).toContain('junction stage fetch');
  });
});

describe('dangling references in the CycleCloud subnets', () => {
  it('stop generation with the place and the name, never a template that fails at deployment', async () => {
    const { UnsafeWorkspaceError } = await import('../../shared/generate');
    for (const [field, value] of [
      ['routeTable', 'rt-missing'],
      ['nsg', 'nsg-missing'],
    ] as const) {
      const raw = rawExample() as Record<string, unknown> & { azure: { vnets: { subnets: Record<string, unknown>[] }[] } };
      raw.azure.vnets[0]!.subnets[2]![field] = value;
      let thrown: unknown;
      try {
        generateAll(load(raw));
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(UnsafeWorkspaceError);
      expect(String((thrown as Error).message)).toContain(`$.azure.vnets[0].subnets[2].${field}`);
      expect(String((thrown as Error).message)).toContain(value);
    }
  });
});

describe('junction generate --service-tags', () => {
  it('feeds the published list to the outbound check (and only when asked, so output stays deterministic)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'junction-gen-tags-'));
    const tagsFile = join(dir, 'ServiceTags_Public_20261130.json');
    writeFileSync(
      tagsFile,
      JSON.stringify({ changeNumber: 7, cloud: 'Public', values: [{ name: 'AzureResourceManager', properties: { addressPrefixes: ['4.150.0.0/18'] } }, { name: 'AzureCloud', properties: { addressPrefixes: ['4.0.0.0/8'] } }] }),
    );
    const withTags = await cli(['generate', EXAMPLE_PATH, '--out', join(dir, 'a'), '--service-tags', tagsFile, '--state-dir', join(dir, 'state')]);
    expect(withTags.code, withTags.err).toBe(0);
    const a = readFileSync(join(dir, 'a', 'cc01', 'cyclecloud', '26-check-outbound.sh'), 'utf8');
    expect(a).toContain(`${(4 * 2 ** 24 + 150 * 2 ** 16) >>> 0} ${(0xffffffff << 14) >>> 0} AzureResourceManager`);
    expect(a).toMatch(/probe_by_tag management\.azure\.com 443/);
    expect(a).not.toContain('AzureCloud');
    const cached = await cli(['generate', EXAMPLE_PATH, '--out', join(dir, 'b'), '--service-tags', 'cached', '--state-dir', join(dir, 'state')]);
    expect(cached.code, cached.err).toBe(0);
    expect(readFileSync(join(dir, 'b', 'cc01', 'cyclecloud', '26-check-outbound.sh'), 'utf8')).toBe(a);
    const plain = await cli(['generate', EXAMPLE_PATH, '--out', join(dir, 'c'), '--state-dir', join(dir, 'state')]);
    expect(plain.code, plain.err).toBe(0);
    expect(readFileSync(join(dir, 'c', 'cc01', 'cyclecloud', '26-check-outbound.sh'), 'utf8')).not.toContain('probe_by_tag');
    const none = await cli(['generate', EXAMPLE_PATH, '--out', join(dir, 'd'), '--service-tags', 'cached', '--state-dir', join(dir, 'empty')]);
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/no service-tag list is cached/);
  });
});
