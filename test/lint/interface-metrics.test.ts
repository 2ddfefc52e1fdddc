// Seed 001 configures route metrics only (route add ... METRIC 200 / METRIC 300) and leaves Windows' interface
// metric automatic. Microsoft's link-speed table bounds that metric per OS, so lint and reach must decide whenever
// the two cost ranges cannot overlap, and flag ambiguity only when they can.
import { describe, expect, it } from 'vitest';
import { lintWorkspace } from '../../shared/lint/engine';
import { buildLookup } from '../../shared/model/lookup';
import { automaticMetricRange, chooseHostRoute, hostRoutes, reach } from '../../shared/reach';
import { FIXED_NOW, byId, load, rawExample, type Raw } from '../helpers/example';

const routing = (raw: Raw) =>
  lintWorkspace(load(raw), { now: FIXED_NOW }).findings.filter((f) => f.ruleId === 'RT001' || f.ruleId === 'RT002');

/** gwvm01 exactly as seed 001 writes it: front end 200, management 300, interface metrics automatic. */
function seedGateway(front = 200, mgmt = 300, os = 'Windows Server 2012 R2'): Raw {
  const raw = rawExample();
  const gw = byId<Raw>(raw.hosts, 'gwvm01');
  gw.os = os;
  gw.interfaces[0].routeMetric = front;
  gw.interfaces[1].routeMetric = mgmt;
  delete gw.interfaces[0].interfaceMetric;
  delete gw.interfaces[1].interfaceMetric;
  return raw;
}

describe('automatic interface metrics (seed 001)', () => {
  it('the table: 5–50 before Windows 10 / Server 2016, 5–85 after, no bound off Windows', () => {
    expect(automaticMetricRange('Windows Server 2012 R2')).toMatchObject({ min: 5, max: 50 });
    expect(automaticMetricRange('Windows 8.1')).toMatchObject({ min: 5, max: 50 });
    expect(automaticMetricRange('Windows Server 2019')).toMatchObject({ min: 5, max: 85 });
    expect(automaticMetricRange(undefined)).toMatchObject({ min: 5, max: 85 });
    expect(automaticMetricRange('AlmaLinux 8')).toBeUndefined();
  });

  for (const os of ['Windows Server 2012 R2', 'Windows Server 2022']) {
    it(`a seed-faithful gateway VM (route metrics 200/300, automatic interface metrics, ${os}) is lint-clean`, () => {
      expect(routing(seedGateway(200, 300, os))).toEqual([]);
    });
  }

  it('swapped metrics (management 200, front end 300) are RT002, not RT001', () => {
    const f = routing(seedGateway(300, 200));
    expect(f.map((x) => x.ruleId)).toEqual(['RT002']);
    expect(f[0]!.message).toMatch(/management default route \(200 \+ automatic 5–50 = 205–250\) beats the front-end one \(300 \+ automatic 5–50 = 305–350\)/);
    expect(f[0]!.path).toEqual(['hosts', 9, 'interfaces', 1, 'routeMetric']);
  });

  it('route metrics closer than the spread of the automatic metric are ambiguous (RT001), and only then', () => {
    const close = routing(seedGateway(200, 220));
    expect(close.map((x) => x.ruleId)).toEqual(['RT001']);
    expect(close[0]!.message).toMatch(/"FrontEnd" \(200 \+ automatic 5–50 = 205–250\) and "Management" \(220 \+ automatic 5–50 = 225–270\) can tie or swap/);
    expect(close[0]!.fix).toMatch(/more than 45/);
    // 46 apart cannot overlap on 2012 R2 (5–50) but can on Server 2022 (5–85).
    expect(routing(seedGateway(200, 246))).toEqual([]);
    expect(routing(seedGateway(200, 246, 'Windows Server 2022')).map((x) => x.ruleId)).toEqual(['RT001']);
  });

  it('one automatic and one set interface metric: decided when the ranges are apart', () => {
    const raw = seedGateway(200, 300);
    byId<Raw>(raw.hosts, 'gwvm01').interfaces[1].interfaceMetric = 10; // management 310, front end 205–250
    expect(routing(raw)).toEqual([]);
    byId<Raw>(raw.hosts, 'gwvm01').interfaces[1].routeMetric = 210; // management 220 inside 205–250
    const f = routing(raw);
    expect(f.map((x) => x.ruleId)).toEqual(['RT001']);
    expect(f[0]!.path).toEqual(['hosts', 9, 'interfaces', 0]);
  });

  it('reach decides the seed gateway VM and no longer says "Windows may pick Management"', () => {
    const ws = load(seedGateway(200, 300));
    const r = reach(ws, { from: 'gwvm01', to: 'Internet', port: 443 });
    expect(r.verdict).toBe('reachable');
    expect(r.hops[0]!.text).toMatch(/on "FrontEnd" \(default-gateway, metric 200 \+ automatic 5–50 = 205–250\); beats .*"Management".*305–350/);
    expect(r.hops[0]!.assumptions).toBeUndefined();
    const choice = chooseHostRoute(hostRoutes(buildLookup(ws), byId(ws.hosts, 'gwvm01')), { tag: 'Internet' });
    expect(choice).toMatchObject({ ambiguous: false, rivals: [] });
  });

  it('reach names the rival and the costs when the ranges do overlap', () => {
    const r = reach(load(seedGateway(200, 220)), { from: 'gwvm01', to: 'Internet', port: 443 });
    expect(r.hops[0]!.assumptions?.join(' ')).toMatch(
      /"FrontEnd" \(cost 205–250\) and "Management" \(cost 225–270\) can tie or swap \(automatic interface metric, Windows before Windows 10.*\); Windows may pick "Management"/,
    );
  });

  it('swapped, reach sends the gateway VM out of the management NIC and loses Internet traffic', () => {
    const r = reach(load(seedGateway(300, 200)), { from: 'gwvm01', to: '93.184.216.34', port: 443 });
    expect(r.verdict).toBe('no-route');
    expect(r.hops[0]!.text).toMatch(/on "Management"/);
    expect(r.hops[0]!.assumptions).toBeUndefined();
  });
});
