// The pure format layer: paths, SHA256SUMS text, manifest, diff, receipt merge, runbook, and the far-side
// scripts checked by independent tools (shellcheck for verify.sh, the tree-sitter PowerShell grammar for .ps1).
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Parser, Language } from 'web-tree-sitter';
import { checkBundlePath, findDuplicates, comparePaths } from '../../shared/bundle/paths';
import { formatSha256Sums, parseSha256Sums, formatFingerprint, normalizeFingerprint } from '../../shared/bundle/sums';
import { diffManifests, formatDiff, isEmptyDiff } from '../../shared/bundle/diff';
import { ApplyRecord, emptyState, mergeReceipt, parseJsonLines, stepStatus } from '../../shared/bundle/receipt';
import { renderRunbookHtml, renderRunbookMarkdown } from '../../shared/bundle/runbook';
import { APPLY_PS1, VERIFY_PS1, VERIFY_SH } from '../../shared/bundle/scripts';
import { BUNDLE_FORMAT, parseManifest, formatManifest, type Manifest } from '../../shared/bundle/manifest';
import { tempDir } from './helpers';

const h = (c: string) => c.repeat(64);

function manifest(files: Manifest['files'], hosts: Manifest['hosts'] = []): Manifest {
  return { format: BUNDLE_FORMAT, bundleId: '0123456789abcdef', createdAt: '2026-11-22T00:00:00.000Z', junctionVersion: '1', workspace: { sha256: h('a') }, mediaLimit: null, hosts, files };
}

describe('bundle paths', () => {
  it.each([
    ['/etc/passwd', 'absolute'],
    ['C:/Windows/x', 'absolute'],
    ['files/../../x', 'dotdot'],
    ['..', 'dotdot'],
    ['files//x', 'dot-segment'],
    ['files/./x', 'dot-segment'],
    ['files\\x', 'backslash'],
    ['files/a\nb', 'control-char'],
    ['files/a:b', 'reserved-char'],
    ['files/CON.txt', 'reserved-name'],
    ['files/x.', 'trailing-dot-or-space'],
    ['', 'empty'],
  ])('%j is refused as %s', (p, reason) => {
    expect(checkBundlePath(p)?.reason).toBe(reason);
  });
  it('accepts ordinary relative paths', () => {
    for (const p of ['manifest.json', 'files/GW01/01-routes.ps1', 'files/a b/c-d_e.txt']) expect(checkBundlePath(p)).toBeUndefined();
  });
  it('finds exact and case-only duplicates', () => {
    expect(findDuplicates(['a/B', 'a/c', 'a/b', 'a/c'])).toEqual([
      { path: 'a/b', first: 'a/B' },
      { path: 'a/c', first: 'a/c' },
    ]);
  });
  it('sorts by UTF-8 bytes like sort -C', () => {
    expect(['b', 'B', 'a', 'é', 'Z'].sort(comparePaths)).toEqual(['B', 'Z', 'a', 'b', 'é']);
  });
});

describe('SHA256SUMS text', () => {
  it('round-trips and is read by sha256sum -c', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'b.txt'), 'bee\n');
    writeFileSync(join(dir, 'a file.txt'), 'ay\n');
    const sumsOf = (s: string) => execFileSync('sha256sum', [s], { cwd: dir, encoding: 'utf8' }).split(' ')[0]!;
    const text = formatSha256Sums([
      { path: 'b.txt', sha256: sumsOf('b.txt') },
      { path: 'a file.txt', sha256: sumsOf('a file.txt') },
    ]);
    expect(text.split('\n')[0]).toMatch(/^[0-9a-f]{64} {2}a file\.txt$/);
    writeFileSync(join(dir, 'SHA256SUMS'), text);
    expect(execFileSync('sha256sum', ['--strict', '-c', 'SHA256SUMS'], { cwd: dir, encoding: 'utf8' })).toContain('a file.txt: OK');
    const parsed = parseSha256Sums(text);
    expect(parsed.ok && parsed.entries.map((e) => e.path)).toEqual(['a file.txt', 'b.txt']);
  });
  it('names the bad line', () => {
    const r = parseSha256Sums(`${h('a')}  ok\nnot a line\n`);
    expect(r).toMatchObject({ ok: false, line: 2 });
  });
  it('formats and normalizes fingerprints', () => {
    const fp = h('ab');
    expect(formatFingerprint(fp.slice(0, 64)).startsWith('AB:AB:')).toBe(true);
    expect(normalizeFingerprint(formatFingerprint(fp.slice(0, 64)))).toBe(fp.slice(0, 64));
    expect(normalizeFingerprint('xyz')).toBeUndefined();
  });
});

describe('manifest', () => {
  it('round-trips through its stable text and rejects unsafe paths', () => {
    const m = manifest([{ path: 'files/b', size: 1, sha256: h('b'), role: 'data' }, { path: 'files/a', size: 1, sha256: h('a'), role: 'script' }]);
    const text = formatManifest(m);
    const back = parseManifest(text);
    expect(back.ok && back.manifest.files.map((f) => f.path)).toEqual(['files/a', 'files/b']);
    const bad = parseManifest(text.replace('files/a', '../a'));
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.message).toMatch(/files\.0\.path.*"\.\."/);
  });
});

describe('diff', () => {
  it('reports files and steps added, removed and changed', () => {
    const step = (n: number, script: string, title = `step ${n}`) => ({ step: n, title, script, files: [], needs: [] });
    const a = manifest(
      [
        { path: 'files/x.ps1', size: 1, sha256: h('1'), role: 'script' },
        { path: 'files/gone.ps1', size: 1, sha256: h('2'), role: 'script' },
        { path: 'files/same.ps1', size: 1, sha256: h('3'), role: 'script' },
      ],
      [{ host: 'GW01', steps: [step(1, 'files/x.ps1'), step(2, 'files/gone.ps1'), step(3, 'files/same.ps1')] }],
    );
    const b = manifest(
      [
        { path: 'files/x.ps1', size: 2, sha256: h('4'), role: 'script' },
        { path: 'files/new.ps1', size: 1, sha256: h('5'), role: 'script' },
        { path: 'files/same.ps1', size: 1, sha256: h('3'), role: 'script' },
      ],
      [{ host: 'GW01', steps: [step(1, 'files/x.ps1'), step(3, 'files/same.ps1'), step(4, 'files/new.ps1')] }],
    );
    const d = diffManifests(a, b);
    expect(d.files.added.map((f) => f.path)).toEqual(['files/new.ps1']);
    expect(d.files.removed.map((f) => f.path)).toEqual(['files/gone.ps1']);
    expect(d.files.changed.map((f) => f.path)).toEqual(['files/x.ps1']);
    expect(d.steps.added.map((s) => s.step)).toEqual([4]);
    expect(d.steps.removed.map((s) => s.step)).toEqual([2]);
    expect(d.steps.changed).toMatchObject([{ host: 'GW01', step: 1, reasons: ['content of files/x.ps1'] }]);
    expect(formatDiff(d)).toContain('~ GW01 step 1');
    expect(isEmptyDiff(diffManifests(a, a))).toBe(true);
  });
});

describe('receipt', () => {
  const line = (step: number, exitCode: number, started = '2026-11-23T10:00:00.000Z') =>
    JSON.stringify({ host: 'GW01', step, started, finished: '2026-11-23T10:01:00.000Z', exitCode });
  it('parses JSON lines, skipping and naming garbled ones', () => {
    const r = parseJsonLines(`${line(1, 0)}\n{"host":\n${line(2, 5)}\n{"host":"GW01"}\n`, ApplyRecord);
    expect(r.records.map((x) => x.step)).toEqual([1, 2]);
    expect(r.problems.map((p) => p.line)).toEqual([2, 4]);
  });
  it('merges idempotently and reports the latest outcome per step', () => {
    const recs = parseJsonLines(`${line(1, 0)}\n${line(2, 3)}\n`, ApplyRecord).records;
    const once = mergeReceipt(emptyState(), 'b1', h('a'), recs, [], '2026-11-24T00:00:00Z');
    const twice = mergeReceipt(once.state, 'b1', h('a'), recs, [], '2026-11-24T00:00:01Z');
    expect(once.addedRuns).toBe(2);
    expect(twice.addedRuns).toBe(0);
    expect(twice.state.runs).toHaveLength(2);
    expect(stepStatus(twice.state, 'b1', 'GW01', 2)?.result).toBe('failed');
    expect(stepStatus(twice.state, 'b1', 'GW01', 1)?.result).toBe('succeeded');
    expect(stepStatus(twice.state, 'b1', 'GW01', 9)).toBeUndefined();
  });
});

describe('runbook', () => {
  it('lists each host\'s steps in order and escapes HTML', () => {
    const m = manifest([], [{ host: 'GW<01>', steps: [{ step: 2, title: 'B & C', script: 'files/b.ps1', files: [], needs: ['Administrator'], check: 'route present' }, { step: 1, title: 'A', script: 'files/a.ps1', files: [], needs: [] }] }]);
    const md = renderRunbookMarkdown({ manifest: m, signerFingerprint: h('c') });
    expect(md).toContain(`bash verify.sh ${h('c')}`);
    expect(md).toContain('check afterwards: route present');
    const html = renderRunbookHtml({ manifest: m, signerFingerprint: h('c'), notes: '<script>alert(1)</script>' });
    expect(html).toContain('GW&lt;01&gt;');
    expect(html).toContain('B &amp; C');
    expect(html).not.toContain('<script>');
  });
});

describe('far-side scripts', () => {
  it('verify.sh passes shellcheck', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'verify.sh'), VERIFY_SH);
    // shellcheck exits non-zero on any finding, which fails the test with its report.
    execFileSync('shellcheck', ['--shell=bash', '--severity=style', join(dir, 'verify.sh')], { encoding: 'utf8' });
    expect(VERIFY_SH).not.toMatch(/\b(find|awk|sed|grep|python|perl)\b/);
  });
  it('verify.ps1 and apply.ps1 parse without errors in the PowerShell grammar', async () => {
    await Parser.init();
    const lang = await Language.load(join(process.cwd(), 'node_modules/tree-sitter-powershell/tree-sitter-powershell.wasm'));
    const parser = new Parser();
    parser.setLanguage(lang);
    for (const [name, text] of [['verify.ps1', VERIFY_PS1], ['apply.ps1', APPLY_PS1], ['broken', 'if ($x -eq { ']] as const) {
      const tree = parser.parse(text)!;
      const errors: string[] = [];
      const visit = (n: NonNullable<typeof tree>['rootNode']) => {
        if (n.type === 'ERROR' || n.isMissing) errors.push(`${name}:${n.startPosition.row + 1}: ${n.text.slice(0, 60)}`);
        for (const c of n.children) if (c) visit(c);
      };
      visit(tree.rootNode);
      if (name === 'broken') expect(errors.length).toBeGreaterThan(0);
      else expect(errors).toEqual([]);
    }
    expect(VERIFY_PS1).toContain('Get-FileHash');
    expect(VERIFY_PS1).toContain('RSASignaturePadding]::Pkcs1');
  });
});
