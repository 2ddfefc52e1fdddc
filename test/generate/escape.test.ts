// The escaping functions one by one; fuzz.test.ts holds them to it across every generated file.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import {
  armExprString,
  armLiteral,
  batchRem,
  isSafeName,
  mdFence,
  mdText,
  oneLine,
  safeName,
  UnsafeWorkspaceError,
} from '../../shared/generate/escape';
import { shq } from '../../shared/generate/sh';
import { psq } from '../../shared/generate/ps';
import { parsePs } from './ps-parse';

const HOSTILE = ["a'b", 'a"b', '$(touch x)', '`touch x`', 'a\nb', 'a\r\nb', 'a\u0000b', '\u2018q\u2019', '%PATH%', 'a\\', '#>', '!x'];

describe('escaping per output language', () => {
  it('oneLine shows every control character instead of breaking the line', () => {
    expect(oneLine('a\nb\r\u0000\u2028\u0085')).toBe('a\\x0ab\\x0d\\x00\\u2028\\x85');
    expect(oneLine('Zürich – ok')).toBe('Zürich – ok');
  });

  it('shq: bash reads back exactly the text (NUL aside, which no bash word can hold)', () => {
    for (const s of HOSTILE.filter((x) => !x.includes('\u0000'))) {
      const r = spawnSync('bash', ['-c', `printf '%s' ${shq(s)}`], { encoding: 'utf8' });
      expect(r.stdout, JSON.stringify(s)).toBe(s);
    }
    expect(shq('a\u0000b')).toBe("'a\\x00b'");
  });

  it('psq: one string literal for tree-sitter, whatever the text', async () => {
    for (const s of HOSTILE) {
      const r = await parsePs(`Write-Host ${psq(s)}`);
      expect(r.errors, JSON.stringify(s)).toEqual([]);
      expect(r.commands.map((c) => c.name), JSON.stringify(s)).toEqual(['Write-Host']);
    }
  });

  it('batchRem keeps one line with nothing cmd.exe acts on', () => {
    const t = batchRem('LL\r\nnet user x /add & calc ^ %PATH% !x! | more > f < g "q" \\');
    expect(t).not.toMatch(/[\r\n%!^&|<>"\\]/);
    expect(t).toContain('net user x /add');
  });

  it('mdText: no HTML, link, code span, table bar or block start survives as markup', () => {
    expect(mdText('<img src=x onerror=alert(1)>')).toBe('&lt;img src=x onerror=alert(1)>');
    expect(mdText('[x](http://e.invalid) ![i](http://e.invalid/p.png)')).toBe('\\[x\\](http://e.invalid) !\\[i\\](http://e.invalid/p.png)');
    expect(mdText('a | b `c` *d*')).toBe('a \\| b \\`c\\` \\*d\\*');
    expect(mdText('# not a heading')).toBe('\\# not a heading');
    expect(mdText('1. not a list')).toBe('1\\. not a list');
    expect(mdText('&amp; & x')).toBe('&amp;amp; & x');
    // A backslash is doubled only where Markdown would read it as an escape.
    expect(mdText('%ProgramData%\\Junction\\logs\\.')).toBe('%ProgramData%\\Junction\\logs\\\\.');
    expect(mdText('line\nbreak')).not.toContain('\n');
  });

  it('mdFence is longer than any backtick run of the block', () => {
    expect(mdFence(['plain'])).toBe('```');
    expect(mdFence(['a ```` b', '`'])).toBe('`````');
  });

  it('ARM: expression strings double the quote; a literal [..] value is escaped with [[', () => {
    expect(armExprString("a')]")).toBe("'a'')]'");
    expect(armLiteral('[concat(1)]')).toBe('[[concat(1)]');
    expect(armLiteral('plain [x]')).toBe('plain [x]');
  });

  it('safeName passes the safe set unchanged and refuses the rest, located', () => {
    for (const ok of ['snet-cluster', 'GatewaySubnet', 'a.b_c-1', 'a..b', 'console']) expect(safeName(ok, ['x'])).toBe(ok);
    for (const bad of ['', '..', '../x', 'a/b', 'a\\b', '.hidden', 'a b', 'CON', 'nul.txt', 'com1', 'x.', 'é', 'a'.repeat(81)]) {
      expect(isSafeName(bad), JSON.stringify(bad)).toBe(false);
      try {
        safeName(bad, ['azure', 'vnets', 0, 'subnets', 1, 'name']);
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(UnsafeWorkspaceError);
        expect((e as UnsafeWorkspaceError).findings[0]!.path).toEqual(['azure', 'vnets', 0, 'subnets', 1, 'name']);
      }
    }
  });
});
