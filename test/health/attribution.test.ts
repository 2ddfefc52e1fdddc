// Issue 17: a probe runs from where it runs. Results of probes meant for cc01 or azure-nodes, taken on the admin's
// machine, are labelled "this machine" and never set a link's or an object's level; only a far-side report from the
// declared source does, and a report from some other host does not either.
import { describe, expect, it } from 'vitest';
import { load, rawExample } from '../helpers/example';
import { probeSets } from '../../electron/health/sets';
import { summarise, type HistoryRecord } from '../../electron/health/summary';

const ws = load(rawExample());
const specs = probeSets(ws).flatMap((s) => s.probes);
const NOW = new Date('2026-12-01T12:00:00Z');
const license = specs.filter((s) => s.set === 'license-link');

function record(
  id: string,
  status: 'ok' | 'fail',
  at: string,
  extra: Partial<HistoryRecord> = {},
): HistoryRecord {
  const spec = specs.find((s) => s.id === id)!;
  return { id, set: spec.set!, kind: spec.kind, target: 'x', status, at, ms: 3, message: status, ...extra };
}
const link = (s: ReturnType<typeof summarise>, id: string) => s.links.find((l) => l.id === id)!;

describe('health attribution', () => {
  it('every derived probe declares where it runs (none is meant for the admin machine)', () => {
    expect(license.length).toBeGreaterThan(0);
    expect(specs.every((s) => typeof s.runFrom === 'string' && s.runFrom.length > 0)).toBe(true);
  });

  it('results taken here are labelled "this machine" and leave the link, the server and the path unknown', () => {
    const s = summarise(
      ws,
      specs,
      license.map((p) => record(p.id, 'ok', '2026-12-01T11:00:00Z')),
      NOW,
    );
    const ll = link(s, `license-link:${ws.licenseLinks[0]!.id}`);
    expect(ll.level).toBe('unknown');
    expect(ll.local).toMatchObject({ level: 'ok' });
    expect(ll.summary).toContain(`no result from ${ws.licenseLinks[0]!.nodeGroup} yet`);
    expect(s.objects[ws.licenseLinks[0]!.licenseServer]).toBe('unknown');
    expect(s.edges.every((e) => e.level === 'unknown')).toBe(true);
    expect(
      s.rows
        .filter((r) => r.source === 'local')
        .every((r) => r.takenFrom === 'this machine' && r.decides === false),
    ).toBe(true);
  });

  it('a far-side report from the declared source decides, newer local results notwithstanding', () => {
    const group = ws.licenseLinks[0]!.nodeGroup;
    const records = [
      ...license.map((p) =>
        record(p.id, 'fail', '2026-12-01T10:00:00Z', {
          source: 'far-side',
          host: group,
          computer: 'NODE-07',
        }),
      ),
      ...license.map((p) => record(p.id, 'ok', '2026-12-01T11:00:00Z')),
    ];
    const s = summarise(ws, specs, records, NOW);
    const ll = link(s, `license-link:${ws.licenseLinks[0]!.id}`);
    expect(ll).toMatchObject({
      level: 'down',
      source: 'far-side',
      decidedBy: `far-side report from ${group}`,
      local: { level: 'ok' },
    });
    expect(s.objects[ws.licenseLinks[0]!.licenseServer]).toBe('down');
    const far = s.rows.find((r) => r.source === 'far-side')!;
    expect(far).toMatchObject({ decides: true, takenFrom: `${group} on NODE-07 (far-side report)` });
  });

  it('a far-side report from another host than the probe declares does not decide either', () => {
    const records = license.map((p) =>
      record(p.id, 'ok', '2026-12-01T10:00:00Z', { source: 'far-side', host: 'some-other-host' }),
    );
    const s = summarise(ws, specs, records, NOW);
    expect(link(s, `license-link:${ws.licenseLinks[0]!.id}`).level).toBe('unknown');
    expect(s.rows.filter((r) => r.source === 'far-side').every((r) => r.decides === false)).toBe(true);
  });
});
