// Regional service tags in reach: without Microsoft's ServiceTags list, by the tags' definitions (Storage.WestEurope
// is part of Storage, not of Storage.EastUS2); with the list, by the exact prefixes it publishes for each tag.
import { describe, expect, it } from 'vitest';
import { load, rawExample, type Raw } from '../helpers/example';
import { reach } from '../../shared/reach';

/** The example with CycleCloud's Storage allow narrowed to one regional tag. */
function storageAllow(tag: string): Raw {
  const raw = rawExample();
  raw.azure.nsgs[0].rules.find((r: { name: string }) => r.name === 'AllowAzureStorage').destinationPrefixes = [tag];
  return raw;
}

// Shaped like ServiceTags_Public_<date>.json after Junction's import (tag → prefixes); addresses from 192.0.2.0/24.
const LIST = {
  Storage: ['192.0.2.0/25', '192.0.2.128/25'],
  'Storage.WestEurope': ['192.0.2.0/26'],
  'Storage.EastUS2': ['192.0.2.128/26'],
  'AzureCloud.westeurope': ['192.0.2.0/25'],
};

describe('reach with regional service tags', () => {
  it('without the list: a WestEurope allow covers Storage.WestEurope but not Storage.EastUS2 or all of Storage', () => {
    const ws = load(storageAllow('Storage.WestEurope'));
    expect(reach(ws, { from: 'cc01', to: 'Storage.WestEurope', port: 443 }).verdict).toBe('reachable');
    expect(reach(ws, { from: 'cc01', to: 'storage.westeurope', port: 443 }).verdict).toBe('reachable');
    const other = reach(ws, { from: 'cc01', to: 'Storage.EastUS2', port: 443 });
    expect(other.verdict).toBe('blocked');
    expect(other.decisive?.text).toMatch(/BlockOutbound/);
    expect(reach(ws, { from: 'cc01', to: 'Storage', port: 443 }).verdict).toBe('blocked');
  });

  it('without the list: the whole Storage allow covers every region', () => {
    const ws = load(rawExample());
    expect(reach(ws, { from: 'cc01', to: 'Storage.EastUS2', port: 443 }).verdict).toBe('reachable');
  });

  it('with the list: addresses match the regional tag by its exact prefixes', () => {
    const ws = load(storageAllow('Storage.WestEurope'));
    const opts = { serviceTagPrefixes: LIST };
    expect(reach(ws, { from: 'cc01', to: '192.0.2.10', port: 443 }, opts).verdict).toBe('reachable');
    // In Storage but in East US 2: the regional allow does not match, and the list is never widened to all of Storage.
    expect(reach(ws, { from: 'cc01', to: '192.0.2.140', port: 443 }, opts).verdict).toBe('blocked');
    expect(reach(ws, { from: 'cc01', to: '192.0.2.140', port: 443 }).verdict).toBe('blocked');
  });

  it('with the list: tag against tag by prefixes (AzureCloud.westeurope holds Storage.WestEurope, not Storage.EastUS2)', () => {
    const ws = load(storageAllow('AzureCloud.westeurope'));
    const opts = { serviceTagPrefixes: LIST };
    expect(reach(ws, { from: 'cc01', to: 'Storage.WestEurope', port: 443 }, opts).verdict).toBe('reachable');
    expect(reach(ws, { from: 'cc01', to: 'Storage.EastUS2', port: 443 }, opts).verdict).toBe('blocked');
  });

  it('a regional form of a tag without one is bad input, not a guess', () => {
    const ws = load(rawExample());
    expect(() => reach(ws, { from: 'cc01', to: 'AzureActiveDirectory.WestEurope', port: 443 })).toThrow(/has no regional form/);
  });
});
