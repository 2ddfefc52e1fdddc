// The desktop menu's accelerators as the browser front door binds them (Electron's menu consumes them first there).
import type { MenuCommand } from '../shared/api/contract';

export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
}

/** The menu command a key press stands for, if any. */
export function menuCommandForKey(e: KeyPress): MenuCommand | undefined {
  if (!(e.ctrlKey || e.metaKey)) return undefined;
  const k = e.key.toLowerCase();
  if (e.shiftKey) return ({ l: 'toggle-theme', n: 'open-example', s: 'save-as' } as const)[k as 'l' | 'n' | 's'];
  const plain: Record<string, MenuCommand> = {
    o: 'open',
    s: 'save',
    '1': 'screen:workspace',
    '2': 'screen:topology',
    '3': 'screen:problems',
    '4': 'screen:generate',
    '5': 'screen:certificates',
    '6': 'screen:apply',
    '7': 'screen:health',
  };
  return plain[k];
}
