// stdout and stderr share a terminal: a note on one stream must not be glued to a line the other left open.
import { describe, expect, it } from 'vitest';
import { lineSafeWriters } from '../../electron/cli/main';

function terminal() {
  let screen = '';
  const w = lineSafeWriters(
    (t) => (screen += t),
    (t) => (screen += t),
  );
  return { w, screen: () => screen };
}

describe('line-safe CLI writers', () => {
  it('starts a note on its own line when stdout left one open', () => {
    const t = terminal();
    t.w.out('  assumes: host firewalls are not in the model');
    t.w.err('note: no service-tag list\n');
    expect(t.screen()).toBe('  assumes: host firewalls are not in the model\nnote: no service-tag list\n');
  });

  it('adds nothing when the line was closed, when one stream continues its own line, or after a progress \\r', () => {
    const t = terminal();
    t.w.out('a\n');
    t.w.err('note\n');
    t.w.out('par');
    t.w.out('tial\n');
    t.w.err('  12 MiB of 40 MiB\r');
    t.w.out('done\n');
    expect(t.screen()).toBe('a\nnote\npartial\n  12 MiB of 40 MiB\rdone\n');
  });

  it('closes stderr\u2019s open line before stdout writes', () => {
    const t = terminal();
    t.w.err('warning: x');
    t.w.out('result\n');
    expect(t.screen()).toBe('warning: x\nresult\n');
  });
});
