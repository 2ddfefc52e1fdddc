// RET001 (issue 18): the seed-era example relies on three retired Azure services and is told so, with today's path;
// the modern example, which takes that path, is clean.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { lintWorkspace } from '../../shared/lint/engine';
import { FIXED_NOW, load, rawExample } from '../helpers/example';

const MODERN = fileURLToPath(new URL('../../examples/modern-hybrid.junction.json', import.meta.url));
const lint = (raw: unknown) => lintWorkspace(load(raw), { now: FIXED_NOW });

describe('RET001 retired Azure services', () => {
  it('names each retired service the seed-era example relies on, with the date and the path that works today', () => {
    const hits = lint(rawExample()).findings.filter((f) => f.ruleId === 'RET001');
    expect(hits.map((h) => h.path.join('.')).sort()).toEqual([
      'certificates.0.placements.5.store',
      'hosts.4.os',
      'licenseLinks.0.ipv6Transport',
    ]);
    for (const h of hits) {
      expect(h.severity).toBe('warning');
      expect(h.message).toContain('31 August 2024');
    }
    expect(hits.find((h) => h.path[0] === 'hosts')!.message).toMatch(/Cloud Services \(classic\) worker role/);
    expect(hits.find((h) => h.path[0] === 'licenseLinks')!.message).toMatch(/Azure Connect/);
    expect(hits.find((h) => h.path[0] === 'licenseLinks')!.fix).toMatch(/IaaS VM nodes .*site-to-site VPN/);
    expect(hits.find((h) => h.path[0] === 'certificates')!.message).toMatch(/management certificate/);
    expect(hits.find((h) => h.path[0] === 'certificates')!.fix).toMatch(/service principal/);
  });

  it('a node group of an HPC Pack 2012 R2 head node is a worker role deployment even when its os does not say so', () => {
    const raw = rawExample();
    raw.hosts.find((h: { id: string }) => h.id === 'azure-nodes').os = 'Windows Server 2012 R2';
    const hits = lint(raw).findings.filter((f) => f.ruleId === 'RET001' && f.path[0] === 'hosts');
    expect(hits).toHaveLength(1);
    expect(hits[0]!.message).toMatch(/head node hn01 runs HPC Pack 2012/);
  });

  it('examples/modern-hybrid.junction.json has no findings at all (lint-clean)', () => {
    const report = lint(JSON.parse(readFileSync(MODERN, 'utf8')));
    expect(report.findings).toEqual([]);
  });
});
