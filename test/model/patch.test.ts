// The minimal-edit writer `azure import` merges with: only changed values are rewritten, in JSON and in YAML.
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { changesBetween, patchText } from '../../shared/model/patch';

describe('patchText', () => {
  const before = { name: 'ws', azure: { nsgs: [{ id: 'a', rules: [{ name: 'r1', ports: ['443'] }] }] }, keep: [1, 2, 3] };
  const after = { name: 'ws', azure: { nsgs: [{ id: 'a', rules: [{ name: 'r1', ports: ['8443'] }] }, { id: 'b', rules: [] }] }, keep: [1, 2, 3] };

  it('lists only the paths that differ, appending to a grown list', () => {
    expect(changesBetween(before, after)).toEqual([
      { path: ['azure', 'nsgs', 0, 'rules', 0, 'ports', 0], value: '8443' },
      { path: ['azure', 'nsgs', 1], value: { id: 'b', rules: [] }, insert: true },
    ]);
    expect(changesBetween(before, before)).toEqual([]);
    expect(changesBetween({ a: 1, b: 2 }, { a: 1 })).toEqual([{ path: ['b'], value: undefined }]);
  });

  it('JSON: the admin\'s compact layout of values outside the edits stays', () => {
    const text = '{\n  "name": "ws",\n  "azure": { "nsgs": [ { "id": "a", "rules": [ { "name": "r1", "ports": ["443"] } ] } ] },\n  "keep": [1, 2, 3]\n}\n';
    const out = patchText(text, 'json', before, after);
    expect(JSON.parse(out)).toEqual(after);
    expect(out).toContain('"keep": [1, 2, 3]');
    // Only the array that grew is laid out again (jsonc-parser formats the range it edits).
    expect(out).toContain('"name": "ws",\n');
  });

  it('YAML: comments and untouched values stay', () => {
    const text = '# my estate\nname: ws # the name\nazure:\n  nsgs:\n    - id: a # hand-written\n      rules:\n        - name: r1\n          ports: ["443"]\nkeep: [1, 2, 3]\n';
    const out = patchText(text, 'yaml', before, after);
    expect(parseYaml(out)).toEqual(after);
    expect(out).toContain('# my estate');
    expect(out).toContain('# hand-written');
    expect(out).toContain('name: ws # the name');
  });
});
