import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadWorkspace, formatProblem } from '../../shared/model/load';
import { migrate, type Migration } from '../../shared/model/migrate';
import { CURRENT_SCHEMA_VERSION } from '../../shared/model/schema';
import { EXAMPLE_TEXT, rawExample } from '../helpers/example';

describe('loadWorkspace', () => {
  it('loads the example and applies defaults', () => {
    const r = loadWorkspace(EXAMPLE_TEXT, 'contoso.junction.json');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.workspace.hosts.length).toBeGreaterThan(10);
    expect(r.workspace.hosts.find((h) => h.id === 'azure-nodes')!.staticRoutes).toEqual([]);
  });

  it('loads the same estate written as YAML', () => {
    const yaml = stringify(rawExample());
    const a = loadWorkspace(EXAMPLE_TEXT, 'x.json');
    const b = loadWorkspace(yaml, 'x.junction.yaml');
    expect(b.ok).toBe(true);
    if (a.ok && b.ok) expect(b.workspace).toEqual(a.workspace);
  });

  it('reports invalid JSON with line and column and a fix', () => {
    const broken = EXAMPLE_TEXT.replace('"name": "Contoso hybrid HPC",', '"name": "Contoso hybrid HPC"');
    const r = loadWorkspace(broken, 'broken.json');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const p = r.problems[0]!;
    expect(p.kind).toBe('syntax');
    expect(p.position).toEqual({ line: 5, column: 3 });
    expect(p.message).toMatch(/expected ","/);
    expect(formatProblem(p)).toMatch(/^broken\.json:5:3: syntax error: invalid JSON/);
  });

  it('reports invalid YAML with line and column', () => {
    const r = loadWorkspace('schemaVersion: 1\nname: x\nsites:\n  - id: a\n   kind: azure\n', 'w.yaml');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems[0]!.kind).toBe('syntax');
    expect(r.problems[0]!.position?.line).toBe(5);
  });

  it('reports schema violations with path, expected, got and the line of the offending field', () => {
    const raw = rawExample();
    raw.hosts[0].interfaces[0].routeMetric = 'high';
    raw.azure.nsgs[0].rules[0].direction = 'Outgoing';
    const text = JSON.stringify(raw, null, 2);
    const r = loadWorkspace(text, 'w.json');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const metric = r.problems.find((p) => p.path === '$.hosts[0].interfaces[0].routeMetric')!;
    expect(metric).toMatchObject({ kind: 'schema', expected: 'number', got: 'string "high"' });
    const line = text.split('\n').findIndex((l) => l.includes('"routeMetric": "high"')) + 1;
    expect(metric.position?.line).toBe(line);
    const dir = r.problems.find((p) => p.path === '$.azure.nsgs[0].rules[0].direction')!;
    expect(dir.message).toBe('must be one of "Inbound", "Outbound"');
    expect(dir.fix).toMatch(/"Inbound"/);
  });

  it('names a misspelt property and how to fix it', () => {
    const raw = rawExample();
    raw.azure.connections[0].sharedKey = 'hunter2';
    const r = loadWorkspace(JSON.stringify(raw), 'w.json');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems[0]).toMatchObject({
      path: '$.azure.connections[0]',
      message: 'unknown property "sharedKey"',
    });
  });

  it('rejects a host address where a network prefix is expected', () => {
    const raw = rawExample();
    raw.networks[0].subnets[0].prefix = '10.10.1.5/24';
    const r = loadWorkspace(JSON.stringify(raw), 'w.json');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]!.path).toBe('$.networks[0].subnets[0].prefix');
  });

  it('explains a missing or newer schema version', () => {
    const raw = rawExample();
    delete raw.schemaVersion;
    const r = loadWorkspace(JSON.stringify(raw), 'w.json');
    expect(!r.ok && r.problems[0]!.fix).toMatch(/"schemaVersion": 1/);
    raw.schemaVersion = CURRENT_SCHEMA_VERSION + 1;
    const n = loadWorkspace(JSON.stringify(raw), 'w.json');
    expect(!n.ok && n.problems[0]!.message).toMatch(/written by a newer Junction/);
    expect(!n.ok && n.problems[0]!.kind).toBe('version');
  });

  it('rejects a document that is not an object', () => {
    const r = loadWorkspace('[1,2]', 'w.json');
    expect(!r.ok && r.problems[0]!.message).toMatch(/must be an object/);
  });
});

describe('migrate', () => {
  const chain: Migration[] = [
    { from: 1, describe: 'rename hosts[].metric to routeMetric', up: (d) => ({ ...d, renamed: true }) },
    { from: 2, describe: 'add sites[].kind', up: (d) => ({ ...d, kinded: true }) },
  ];

  it('runs every step from the document version to the current one, in order', () => {
    const r = migrate({ schemaVersion: 1 }, chain, 3);
    expect(r).toMatchObject({
      ok: true,
      fromVersion: 1,
      doc: { schemaVersion: 3, renamed: true, kinded: true },
    });
    if (r.ok)
      expect(r.applied).toEqual(['1 → 2: rename hosts[].metric to routeMetric', '2 → 3: add sites[].kind']);
  });

  it('starts from the middle of the chain', () => {
    const r = migrate({ schemaVersion: 2 }, chain, 3);
    expect(r).toMatchObject({ ok: true, doc: { schemaVersion: 3, kinded: true } });
    if (r.ok) expect(r.doc).not.toHaveProperty('renamed');
  });

  it('fails clearly on a gap in the chain', () => {
    const r = migrate({ schemaVersion: 1 }, [chain[1]!], 3);
    expect(r).toMatchObject({ ok: false, message: 'no migration from schema version 1 to 2' });
  });

  it('leaves a current document alone', () => {
    expect(migrate({ schemaVersion: CURRENT_SCHEMA_VERSION })).toMatchObject({ ok: true, applied: [] });
  });
});
