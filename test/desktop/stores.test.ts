// The renderer's stores, driven without React against the real host implementation (no mocks of the domain).
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHost } from '../../electron/services/host';
import { createWorkspaceStore, isDirty } from '../../renderer/stores/workspace';
import { createUiStore } from '../../renderer/stores/ui';
import type { JunctionApi } from '../../shared/api/contract';

const api = () => createHost({ frontDoor: 'test' });

/** Make a second host carry the id of the first: a lint error (WS001), still schema-valid. */
function plantDuplicateId(text: string): string {
  const planted = text.replace('"id": "hpcadmin01"', '"id": "hn01"');
  expect(planted).not.toBe(text);
  return planted;
}

describe('workspace store', () => {
  it('opens the example lint-clean, with the model and no problems', async () => {
    const s = createWorkspaceStore(api());
    await s.getState().openExample();
    const st = s.getState();
    expect(st.status).toBe('ready');
    expect(st.origin).toBe('example');
    expect(st.workspace?.hosts.length).toBeGreaterThan(5);
    expect(st.loadProblems).toEqual([]);
    expect(st.counts.error).toBe(0);
    expect(st.busy).toBeNull();
    // The example has no file of its own: it counts as unsaved until saved somewhere.
    expect(isDirty(st)).toBe(true);
  });

  it('finds a planted lint problem at its line, and clears it when fixed', async () => {
    const s = createWorkspaceStore(api(), { debounceMs: 5 });
    await s.getState().openExample();
    const original = s.getState().text;
    s.getState().edit(plantDuplicateId(original));
    await s.getState().analyse();
    const dup = s.getState().findings.find((f) => f.ruleId === 'WS001');
    expect(dup, JSON.stringify(s.getState().findings.map((f) => f.ruleId))).toBeDefined();
    const lines = s.getState().text.split('\n');
    const firstDeclaration = lines.findIndex((l) => l.includes('"id": "hn01"')) + 1;
    expect(dup!.position!.line).toBeGreaterThan(firstDeclaration); // points at the second declaration
    expect(lines[dup!.position!.line - 1]).toContain('"id": "hn01"');
    s.getState().edit(original);
    await s.getState().analyse();
    expect(s.getState().findings.filter((f) => f.ruleId === 'WS001')).toEqual([]);
  });

  it('keeps the last valid model while the text has schema errors, and locates them', async () => {
    const s = createWorkspaceStore(api());
    await s.getState().openExample();
    const before = s.getState().workspace;
    s.getState().edit(s.getState().text.replace('"schemaVersion": 1', '"schemaVersion": "one"'));
    await s.getState().analyse();
    const st = s.getState();
    expect(st.loadProblems.length).toBeGreaterThan(0);
    expect(st.loadProblems[0]!.path).toContain('schemaVersion');
    expect(st.loadProblems[0]!.position?.line).toBe(3);
    expect(st.workspace).toBe(before);
  });

  it('drops an answer that arrives after a newer edit', async () => {
    const real = api();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let calls = 0;
    const slow: JunctionApi = {
      ...real,
      'workspace.lint': async (req) => {
        if (++calls === 2) await gate; // the first analysis after opening is slow
        return real['workspace.lint'](req);
      },
    };
    const s = createWorkspaceStore(slow);
    await s.getState().openExample();
    const original = s.getState().text;
    s.getState().edit(plantDuplicateId(original));
    const stale = s.getState().analyse();
    s.getState().edit(original);
    const fresh = s.getState().analyse();
    await fresh;
    release();
    await stale;
    expect(s.getState().findings.some((f) => f.ruleId === 'WS001')).toBe(false);
  });

  it('saves atomically to a chosen path, remembers it as recent, and refuses to save the example in place', async () => {
    const host = api();
    const s = createWorkspaceStore(host);
    await s.getState().openExample();
    expect(await s.getState().save()).toBe(false);
    expect(s.getState().error).toMatch(/Save As/);
    const dir = mkdtempSync(join(tmpdir(), 'junction-store-'));
    const target = join(dir, 'estate.junction.json');
    expect(await s.getState().save(target)).toBe(true);
    expect(readFileSync(target, 'utf8')).toBe(s.getState().text);
    expect(s.getState().origin).toBe(target);
    expect(isDirty(s.getState())).toBe(false);
    expect(s.getState().recent[0]?.path).toBe(target);
    // Reopening it goes through the file service.
    const t = createWorkspaceStore(host);
    await t.getState().openFile(target);
    expect(t.getState().workspace?.name).toBe(s.getState().workspace?.name);
  });

  it('reports a missing file without replacing the open document', async () => {
    const s = createWorkspaceStore(api());
    await s.getState().openExample();
    const text = s.getState().text;
    await s.getState().openFile('/nonexistent/dir/nothing.junction.json');
    expect(s.getState().error).toMatch(/no such file/);
    expect(s.getState().text).toBe(text);
  });
});

describe('ui store', () => {
  it('jumps to an object in the topology and to a line in the editor', () => {
    const ui = createUiStore();
    ui.getState().showInTopology('hn01');
    expect(ui.getState()).toMatchObject({ screen: 'topology', selected: 'hn01' });
    ui.getState().showInEditor(42, 7);
    const first = ui.getState().editorTarget;
    expect(ui.getState().screen).toBe('workspace');
    expect(first).toMatchObject({ line: 42, column: 7 });
    ui.getState().showInEditor(42, 7);
    expect(ui.getState().editorTarget!.nonce).not.toBe(first!.nonce);
  });

  it('toggles the effective theme from the system preference', () => {
    const ui = createUiStore();
    expect(ui.getState().toggleTheme(true)).toBe('light');
    expect(ui.getState().toggleTheme(true)).toBe('dark');
    const ui2 = createUiStore();
    expect(ui2.getState().toggleTheme(false)).toBe('dark');
  });
});
