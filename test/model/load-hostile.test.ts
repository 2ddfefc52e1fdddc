// Finding 9 and 10 of issue #15: parser leniency and the missing size, depth and alias limits. Every case is bad
// input, so each must come back as a located problem (exit 2 from the CLI), never as a crash or a silent guess.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { stringify } from 'yaml';
import { loadWorkspace, loadWorkspaceBytes, MAX_WORKSPACE_BYTES, MAX_NESTING, type LoadResult } from '../../shared/model/load';
import { EXAMPLE_TEXT, rawExample } from '../helpers/example';
import { cli } from '../helpers/cli';

function problems(r: LoadResult) {
  expect(r.ok).toBe(false);
  return r.ok ? [] : r.problems;
}

const enc = (s: string) => new TextEncoder().encode(s);

describe('the loader refuses what it used to guess at', () => {
  it('__proto__, constructor and prototype keys, located', () => {
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      const text = EXAMPLE_TEXT.replace('"name": "Contoso hybrid HPC",', `"name": "Contoso hybrid HPC",\n  "${key}": { "polluted": true },`);
      const p = problems(loadWorkspace(text, 'w.json'));
      expect(p[0]).toMatchObject({ kind: 'syntax', position: { line: 5, column: 3 } });
      expect(p[0]!.message).toContain(key);
      const y = problems(loadWorkspace(`schemaVersion: 1\nname: x\n${key}:\n  polluted: true\nsites: []\n`, 'w.yaml'));
      expect(y[0]).toMatchObject({ kind: 'syntax', position: { line: 3, column: 1 } });
    }
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('duplicate keys, naming both places', () => {
    const text = EXAMPLE_TEXT.replace('"name": "Contoso hybrid HPC",', '"name": "Contoso hybrid HPC",\n  "name": "Other",');
    const p = problems(loadWorkspace(text, 'w.json'));
    expect(p[0]!.position).toEqual({ line: 5, column: 3 });
    expect(p[0]!.message).toMatch(/"name".*line 4/);
    const y = problems(loadWorkspace('schemaVersion: 1\nname: x\nsites: []\nname: y\n', 'w.yaml'));
    expect(y[0]!.position).toEqual({ line: 4, column: 1 });
    expect(y[0]!.message).toMatch(/"name".*line 2/);
  });

  it('invalid UTF-8, with the byte offset', () => {
    const good = enc(EXAMPLE_TEXT);
    const at = EXAMPLE_TEXT.indexOf('Contoso hybrid HPC');
    const bad = new Uint8Array([...good.slice(0, at), 0xff, ...good.slice(at)]);
    const p = problems(loadWorkspaceBytes(bad, 'w.json'));
    expect(p[0]!.message).toMatch(new RegExp(`byte offset ${at}\\b`));
    expect(p[0]!.position?.line).toBe(4);
    // A truncated sequence at the end and an overlong encoding are invalid too.
    expect(problems(loadWorkspaceBytes(new Uint8Array([...good, 0xe2, 0x82]), 'w.json'))[0]!.message).toMatch(/UTF-8/);
    expect(problems(loadWorkspaceBytes(new Uint8Array([...good.slice(0, at), 0xc0, 0xaf, ...good.slice(at)]), 'w.json'))[0]!.message).toMatch(/UTF-8/);
    // Valid UTF-8 with a BOM still loads.
    expect(loadWorkspaceBytes(new Uint8Array([0xef, 0xbb, 0xbf, ...good]), 'w.json').ok).toBe(true);
  });

  it('a lone surrogate escape', () => {
    const text = EXAMPLE_TEXT.replace('"Contoso hybrid HPC"', '"Contoso \\ud800 HPC"');
    const p = problems(loadWorkspace(text, 'w.json'));
    expect(p[0]!.message).toMatch(/surrogate/);
    expect(p[0]!.position?.line).toBe(4);
    expect(problems(loadWorkspace('schemaVersion: 1\nname: "a\\udc00"\nsites: []\n', 'w.yaml'))[0]!.message).toMatch(/surrogate/);
  });

  it('a number too large to represent, and a schema version that is no version', () => {
    const raw = rawExample();
    const text = JSON.stringify(raw, null, 2).replace('"priority": 100', '"priority": 1e400');
    expect(text).toContain('1e400');
    const p = problems(loadWorkspace(text, 'w.json'));
    expect(p[0]!.message).toMatch(/1e400.*too large|too large.*1e400/);
    expect(p[0]!.message).not.toMatch(/null/);
    const y = problems(loadWorkspace(stringify({ ...raw, schemaVersion: 1 }).replace('schemaVersion: 1', 'schemaVersion: 1e44'), 'w.yaml'));
    expect(y[0]!.message).not.toMatch(/newer/);
    expect(y[0]!.message).toMatch(/1e\+?44/);
  });

  it('a file over the size cap, before parsing it', () => {
    const big = new Uint8Array(MAX_WORKSPACE_BYTES + 1).fill(0x20);
    const p = problems(loadWorkspaceBytes(big, 'w.json'));
    expect(p[0]!.message).toMatch(/MiB/);
    expect(p[0]!.fix).toMatch(/split|remove/);
  });

  it('nesting deeper than the cap, in JSON and YAML', () => {
    const deep = '['.repeat(5000) + ']'.repeat(5000);
    const p = problems(loadWorkspace(`{"schemaVersion": 1, "name": ${deep}}`, 'w.json'));
    expect(p[0]!.message).toMatch(new RegExp(`deeper than ${MAX_NESTING}`));
    expect(p[0]!.position).toBeDefined();
    const y = problems(loadWorkspace(`schemaVersion: 1\nname: ${deep}\n`, 'w.yaml'));
    expect(y[0]!.message).toMatch(/deeper than/);
  });

  it('YAML aliases: a harmless 150 load, an expansion bomb is bad input', () => {
    const list = Array.from({ length: 150 }, (_, i) => `    - id: s${i}\n      name: *n\n      kind: on-premises`).join('\n');
    const ok = loadWorkspace(`schemaVersion: 1\nname: &n Estate\nsites:\n${list}\n`, 'w.yaml');
    expect(ok.ok).toBe(true);
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 10; i++) bomb.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    const p = problems(loadWorkspace(`schemaVersion: 1\n${bomb.join('\n')}\n`, 'w.yaml'));
    expect(p[0]!.kind).toBe('syntax');
    expect(p[0]!.message).toMatch(/alias/);
  });

  it('control characters in any text field, located', () => {
    const raw = rawExample();
    raw.hosts[2].notes = 'ok\tnot ok';
    raw.azure.nsgs[0].rules[0].description = 'x\u0000y';
    raw.sites[0].name = 'a\u2028b';
    const p = problems(loadWorkspace(JSON.stringify(raw, null, 2), 'w.json'));
    const paths = p.map((x) => x.path);
    expect(paths).toEqual(expect.arrayContaining(['$.hosts[2].notes', '$.azure.nsgs[0].rules[0].description', '$.sites[0].name']));
    for (const x of p) expect(x.position).toBeDefined();
  });

  it('references that cannot be ids', () => {
    const raw = rawExample();
    raw.hosts[0].site = '../../x';
    const p = problems(loadWorkspace(JSON.stringify(raw, null, 2), 'w.json'));
    expect(p.map((x) => x.path)).toContain('$.hosts[0].site');
  });

  it('the CLI exits 2 with the message for each, never 70', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'junction-load-'));
    const cases: [string, string | Uint8Array][] = [
      ['deep.json', `{"schemaVersion": 1, "name": ${'['.repeat(5000)}${']'.repeat(5000)}}`],
      ['proto.json', EXAMPLE_TEXT.replace('"name": "Contoso hybrid HPC",', '"name": "x", "__proto__": {},')],
      ['bad-utf8.json', new Uint8Array([...enc(EXAMPLE_TEXT.slice(0, 40)), 0xff, ...enc(EXAMPLE_TEXT.slice(40))])],
    ];
    for (const [name, body] of cases) {
      writeFileSync(join(dir, name), body);
      const r = await cli(['lint', join(dir, name)]);
      expect(r.code, `${name}: ${r.err}`).toBe(2);
      expect(r.err).not.toMatch(/internal error|at .*\.ts:/);
    }
  });
});
