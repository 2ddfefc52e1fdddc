import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildConnectionString, parseConnectionString } from '../../shared/hnv/connection-string';

describe('HNV gateway connection string', () => {
  it('builds the seed 004 form and parses it back without problems', () => {
    const s = buildConnectionString({
      vmHost: 'hvgw01.contoso.com',
      gatewayVm: 'GatewayVM01',
      backendSwitch: 'HNV-Switch',
    });
    expect(s).toBe('VMHost=hvgw01.contoso.com;GatewayVM=GatewayVM01;BackendSwitch=HNV-Switch');
    expect(parseConnectionString(s)).toEqual({
      values: { VMHost: 'hvgw01.contoso.com', GatewayVM: 'GatewayVM01', BackendSwitch: 'HNV-Switch' },
      problems: [],
    });
    expect(
      buildConnectionString({ vmHost: 'h', gatewayVm: 'g', backendSwitch: 's', directRoutingMode: true }),
    ).toMatch(/;DirectRoutingMode=True$/);
  });

  it('property: anything built from space-free names round-trips', () => {
    const name = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,20}$/);
    fc.assert(
      fc.property(name, name, name, fc.boolean(), (vmHost, gatewayVm, backendSwitch, drm) => {
        const p = parseConnectionString(
          buildConnectionString({ vmHost, gatewayVm, backendSwitch, directRoutingMode: drm }),
        );
        expect(p.problems).toEqual([]);
        expect(p.values).toMatchObject({
          VMHost: vmHost,
          GatewayVM: gatewayVm,
          BackendSwitch: backendSwitch,
        });
      }),
    );
  });

  it.each([
    ['VMHost=h; GatewayVM=g;BackendSwitch=s', /white space/],
    ['VMHost=h;GatewayVm=g;BackendSwitch=s', /unknown key "GatewayVm"/],
    ['VMHost=h;;GatewayVM=g;BackendSwitch=s', /empty pair/],
    ['VMHost=h;GatewayVM=g', /missing BackendSwitch/],
    ['VMHost=h;VMHost=i;GatewayVM=g;BackendSwitch=s', /more than once/],
    ['VMHost=h,GatewayVM=g,BackendSwitch=s', /unknown key|missing GatewayVM/],
    ['VMHost=h;GatewayVM=g;BackendSwitch=s;DirectRoutingMode=yes', /True or False/],
  ])('%s → problem', (text, re) => {
    expect(
      parseConnectionString(text)
        .problems.map((p) => p.message)
        .join('\n'),
    ).toMatch(re);
  });
});
