// From ARM's refusal back to the workspace field: the emulator's answer (written from the docs) to the body Junction
// would PUT for a planted mistake, mapped by shared/azure/refusal to the place the admin edits.
import { describe, expect, it } from 'vitest';
import { desiredResources } from '../../shared/azure/desired';
import { refusalPlace } from '../../shared/azure/refusal';
import { refuseWrite } from './emulator/validate';
import { load, rawExample, type Raw } from '../helpers/example';

function placeOf(mutate: (r: Raw) => void, kind: 'nsg' | 'vnet'): { code: string; place: string | undefined } {
  const raw = rawExample();
  mutate(raw);
  const { resources } = desiredResources(load(raw));
  for (const d of resources.filter((x) => x.kind === kind)) {
    const type = kind === 'nsg' ? 'networkSecurityGroups' : 'virtualNetworks';
    const refusal = refuseWrite(type, d.armId, d.name, d.body as unknown as Record<string, unknown>, () => undefined);
    if (refusal) return { code: refusal.error.code, place: refusalPlace(d, refusal.error.code, refusal.error.message) };
  }
  throw new Error('the emulator accepted every resource');
}

describe('refusalPlace', () => {
  it('a tag in the plural destination field → that rule’s destinationPrefixes', () => {
    expect(placeOf((r) => (r.azure.nsgs[1].rules[1].destinationPrefixes = ['Storage', '10.9.0.0/16']), 'nsg')).toEqual({
      code: 'SecurityRuleParameterContainsUnsupportedValue',
      place: '$.azure.nsgs[1].rules[1].destinationPrefixes',
    });
  });

  it('a priority out of range or shared → that rule’s priority', () => {
    expect(placeOf((r) => (r.azure.nsgs[0].rules[2].priority = 5000), 'nsg').place).toBe('$.azure.nsgs[0].rules[2].priority');
    expect(placeOf((r) => (r.azure.nsgs[0].rules[3].priority = 102), 'nsg')).toEqual({ code: 'SecurityRuleConflict', place: '$.azure.nsgs[0].rules[3].priority' });
  });

  it('a bad port → that rule’s ports; a bad rule name → its name', () => {
    expect(placeOf((r) => (r.azure.nsgs[1].rules[0].destinationPorts = ['5672', '70000']), 'nsg').place).toBe('$.azure.nsgs[1].rules[0].destinationPorts');
    expect(placeOf((r) => (r.azure.nsgs[0].rules[4].name = 'Block Outbound'), 'nsg').place).toBe('$.azure.nsgs[0].rules[4].name');
  });

  it('a subnet too small or overlapping → that subnet’s prefix', () => {
    expect(placeOf((r) => (r.azure.vnets[0].subnets[3].prefix = '10.50.255.0/30'), 'vnet')).toEqual({ code: 'NetcfgInvalidSubnet', place: '$.azure.vnets[0].subnets[3].prefix' });
    expect(placeOf((r) => (r.azure.vnets[0].subnets[1].prefix = '10.50.1.128/25'), 'vnet')).toEqual({ code: 'NetcfgSubnetRangesOverlap', place: '$.azure.vnets[0].subnets[1].prefix' });
  });
});
