import { describe, expect, it } from 'vitest';
import { evaluateNsg, ruleCovers, tagContains, type EvalContext, type Flow } from '../../shared/nsg/evaluate';
import type { NsgRule } from '../../shared/model/schema';

const ctx: EvalContext = { virtualNetworkPrefixes: ['10.50.0.0/16', '10.0.0.0/24'] };
const r = (p: Partial<NsgRule> & Pick<NsgRule, 'name' | 'priority' | 'direction' | 'access'>): NsgRule => ({
  protocol: '*',
  sourcePrefixes: ['*'],
  sourcePorts: ['*'],
  destinationPrefixes: ['*'],
  destinationPorts: ['*'],
  ...p,
});
const out = (dst: Flow['destination'], port = 443): Flow => ({
  direction: 'Outbound',
  protocol: 'Tcp',
  source: { address: '10.50.2.4' },
  destination: dst,
  destinationPort: port,
});

describe('evaluateNsg', () => {
  const seed002 = [
    r({
      name: 'AllowAzureStorage',
      priority: 100,
      direction: 'Outbound',
      access: 'Allow',
      protocol: 'Tcp',
      destinationPrefixes: ['Storage'],
      destinationPorts: ['443'],
    }),
    r({
      name: 'BlockOutbound',
      priority: 4000,
      direction: 'Outbound',
      access: 'Deny',
      destinationPrefixes: ['Internet'],
    }),
  ];

  it('first match by priority wins, whatever the array order', () => {
    expect(evaluateNsg([...seed002].reverse(), out({ tag: 'Storage' }), ctx)).toMatchObject({
      access: 'Allow',
      ruleName: 'AllowAzureStorage',
    });
    expect(evaluateNsg(seed002, out({ tag: 'Storage' }, 80), ctx)).toMatchObject({
      access: 'Deny',
      ruleName: 'BlockOutbound',
    });
    expect(evaluateNsg(seed002, out({ address: '93.184.216.34' }), ctx)).toMatchObject({
      access: 'Deny',
      ruleName: 'BlockOutbound',
    });
  });

  it('falls through to the default rules', () => {
    expect(evaluateNsg([], out({ address: '93.184.216.34' }), ctx)).toMatchObject({
      access: 'Allow',
      ruleName: 'AllowInternetOutBound',
      isDefault: true,
    });
    expect(evaluateNsg(seed002, out({ address: '10.50.4.5' }, 5672), ctx)).toMatchObject({
      access: 'Allow',
      ruleName: 'AllowVnetOutBound',
    });
    const inbound: Flow = {
      direction: 'Inbound',
      protocol: 'Tcp',
      source: { address: '93.184.216.34' },
      destination: { address: '10.50.2.4' },
      destinationPort: 22,
    };
    expect(evaluateNsg([], inbound, ctx)).toMatchObject({ access: 'Deny', ruleName: 'DenyAllInBound' });
    // On-premises prefixes behind the gateway count as VirtualNetwork.
    expect(evaluateNsg([], { ...inbound, source: { address: '10.0.0.20' } }, ctx)).toMatchObject({
      access: 'Allow',
      ruleName: 'AllowVnetInBound',
    });
  });

  it('service tags nest as in Azure: regional ⊂ global ⊂ Internet', () => {
    expect(tagContains('Internet', 'Storage')).toBe(true);
    expect(tagContains('Storage', 'Storage.WestEurope')).toBe(true);
    expect(tagContains('Storage.WestEurope', 'Storage')).toBe(false);
    expect(tagContains('Storage', 'Internet')).toBe(false);
    expect(tagContains('VirtualNetwork', 'Storage')).toBe(false);
  });

  it('cached service-tag prefixes let address flows match tags', () => {
    const withTags: EvalContext = { ...ctx, serviceTagPrefixes: { Storage: ['20.60.0.0/16'] } };
    expect(evaluateNsg(seed002, out({ address: '20.60.1.1' }), withTags)).toMatchObject({
      ruleName: 'AllowAzureStorage',
    });
  });
});

describe('ruleCovers', () => {
  it('knows when a broader rule covers a narrower one', () => {
    const deny = r({
      name: 'd',
      priority: 100,
      direction: 'Outbound',
      access: 'Deny',
      destinationPrefixes: ['Internet'],
    });
    const allowArm = r({
      name: 'a',
      priority: 200,
      direction: 'Outbound',
      access: 'Allow',
      protocol: 'Tcp',
      destinationPrefixes: ['AzureResourceManager'],
      destinationPorts: ['443'],
    });
    expect(ruleCovers(deny, allowArm)).toBe(true);
    expect(ruleCovers(allowArm, deny)).toBe(false);
    const wide = r({
      name: 'w',
      priority: 100,
      direction: 'Inbound',
      access: 'Allow',
      protocol: 'Tcp',
      sourcePrefixes: ['10.0.0.0/8'],
      destinationPorts: ['1000-2000'],
    });
    const narrow = r({
      name: 'n',
      priority: 200,
      direction: 'Inbound',
      access: 'Allow',
      protocol: 'Tcp',
      sourcePrefixes: ['10.1.0.0/16'],
      destinationPorts: ['1500'],
    });
    expect(ruleCovers(wide, narrow)).toBe(true);
    expect(ruleCovers(wide, { ...narrow, destinationPorts: ['2500'] })).toBe(false);
    expect(ruleCovers(wide, { ...narrow, direction: 'Outbound' })).toBe(false);
  });
});
