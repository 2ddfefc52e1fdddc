// The application menu (electron/main/menu.ts) and the keys the browser front door binds (renderer/menu-keys.ts)
// must say the same thing: one item per command, and each accelerator doing in a browser what the menu does.
import { describe, expect, it } from 'vitest';
import { MENU } from '../../electron/main/menu';
import { MENU_COMMANDS } from '../../shared/api/contract';
import { menuCommandForKey } from '../../renderer/menu-keys';

const items = MENU.flatMap((m) => m.items);

/** "CmdOrCtrl+Shift+S" → the key press Chromium reports for it on Linux and Windows. */
function press(accelerator: string) {
  const parts = accelerator.split('+');
  return { key: parts.at(-1)!, ctrlKey: parts.includes('CmdOrCtrl'), metaKey: false, shiftKey: parts.includes('Shift') };
}

describe('application menu', () => {
  it('has exactly one item per menu command, each with an accelerator', () => {
    const commands = items.filter((i) => i.command).map((i) => i.command);
    expect([...commands].sort()).toEqual([...MENU_COMMANDS].sort());
    for (const i of items.filter((x) => x.command)) expect(i.accelerator, i.label).toMatch(/^CmdOrCtrl\+/);
  });

  it('every accelerator does the same in the browser front door, and the browser binds no key the menu lacks', () => {
    for (const i of items.filter((x) => x.accelerator)) expect(menuCommandForKey(press(i.accelerator!)), i.label).toBe(i.command);
    const menuKeys = new Set(items.filter((x) => x.accelerator).map((x) => x.accelerator!.toLowerCase()));
    for (const key of 'abcdefghijklmnopqrstuvwxyz0123456789'.split(''))
      for (const shiftKey of [false, true]) {
        const c = menuCommandForKey({ key, ctrlKey: true, metaKey: false, shiftKey });
        if (c) expect(menuKeys.has(`cmdorctrl+${shiftKey ? 'shift+' : ''}${key}`), `${shiftKey ? 'Shift+' : ''}${key}`).toBe(true);
      }
    // Without Ctrl or Cmd nothing is a menu command (typing stays typing).
    expect(menuCommandForKey({ key: 's', ctrlKey: false, metaKey: false, shiftKey: false })).toBeUndefined();
    expect(menuCommandForKey({ key: 'S', ctrlKey: false, metaKey: true, shiftKey: true })).toBe('save-as');
  });
});
