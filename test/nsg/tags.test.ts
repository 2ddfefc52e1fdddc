// Service tag names and containment: regional forms are part of their tag and of their region's AzureCloud, never of
// another region's; names compare case-blind; the cached list is looked up the same way.
import { describe, expect, it } from 'vitest';
import { parseTag, regionalTag, tagContains, tagPrefixes } from '../../shared/nsg/tags';

describe('service tag forms', () => {
  it('parses a tag and its regional form, case-blind, and nothing else', () => {
    expect(parseTag('storage.EastUS2')).toEqual({ base: 'Storage', region: 'EastUS2' });
    expect(parseTag('AzureCloud')).toEqual({ base: 'AzureCloud' });
    expect(parseTag('Storage.East US')).toBeUndefined();
    expect(parseTag('Sql.WestEurope')).toBeUndefined(); // not a tag this workspace models
  });

  it('regionalTag narrows only the tags with a regional scope', () => {
    expect(regionalTag('Storage', 'West Europe')).toBe('Storage.westeurope');
    expect(regionalTag('AzureActiveDirectory', 'westeurope')).toBe('AzureActiveDirectory');
    expect(regionalTag('Storage', undefined)).toBe('Storage');
  });

  it('containment follows tag and region', () => {
    expect(tagContains('Storage', 'Storage.WestEurope')).toBe(true);
    expect(tagContains('storage.westeurope', 'Storage.WestEurope')).toBe(true);
    expect(tagContains('Storage.EastUS2', 'Storage.WestEurope')).toBe(false);
    expect(tagContains('Storage.WestEurope', 'Storage')).toBe(false);
    expect(tagContains('AzureCloud.westeurope', 'Storage.WestEurope')).toBe(true);
    expect(tagContains('AzureCloud.eastus', 'Storage.WestEurope')).toBe(false);
    expect(tagContains('AzureCloud.westeurope', 'Storage')).toBe(false);
    expect(tagContains('Internet', 'Storage.WestEurope')).toBe(true);
    expect(tagContains('VirtualNetwork', 'Storage.WestEurope')).toBe(false);
  });

  it('the cached list is read case-blind (Microsoft writes AzureCloud.westeurope but Storage.WestEurope)', () => {
    const list = { 'AzureCloud.westeurope': ['192.0.2.0/24'], 'Storage.WestEurope': ['192.0.2.0/26'] };
    expect(tagPrefixes(list, 'AzureCloud.WestEurope')).toEqual(['192.0.2.0/24']);
    expect(tagPrefixes(list, 'storage.westeurope')).toEqual(['192.0.2.0/26']);
    expect(tagPrefixes(list, 'Storage.EastUS2')).toBeUndefined();
  });
});
