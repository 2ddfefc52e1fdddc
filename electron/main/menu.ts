// The application menu as data: main turns it into a Menu, and every item sends one of MENU_COMMANDS to the
// renderer (which also binds the same keys, so the browser front door behaves alike).
import type { MenuCommand } from '../../shared/api/contract';

export interface MenuItemSpec {
  label: string;
  command?: MenuCommand;
  accelerator?: string;
  role?: 'quit' | 'about' | 'copy' | 'paste' | 'cut' | 'selectAll' | 'undo' | 'redo' | 'togglefullscreen';
  separator?: true;
}

export const MENU: { label: string; items: MenuItemSpec[] }[] = [
  {
    label: '&File',
    items: [
      { label: 'Open Workspace…', command: 'open', accelerator: 'CmdOrCtrl+O' },
      { label: 'New from Example', command: 'open-example', accelerator: 'CmdOrCtrl+Shift+N' },
      { label: '', separator: true },
      { label: 'Save', command: 'save', accelerator: 'CmdOrCtrl+S' },
      { label: 'Save As…', command: 'save-as', accelerator: 'CmdOrCtrl+Shift+S' },
      { label: '', separator: true },
      { label: 'Quit', role: 'quit' },
    ],
  },
  {
    label: '&Edit',
    items: [
      { label: 'Undo', role: 'undo' },
      { label: 'Redo', role: 'redo' },
      { label: '', separator: true },
      { label: 'Cut', role: 'cut' },
      { label: 'Copy', role: 'copy' },
      { label: 'Paste', role: 'paste' },
      { label: 'Select All', role: 'selectAll' },
    ],
  },
  {
    label: '&View',
    items: [
      { label: 'Workspace', command: 'screen:workspace', accelerator: 'CmdOrCtrl+1' },
      { label: 'Topology', command: 'screen:topology', accelerator: 'CmdOrCtrl+2' },
      { label: 'Problems', command: 'screen:problems', accelerator: 'CmdOrCtrl+3' },
      { label: 'Generate & Bundle', command: 'screen:generate', accelerator: 'CmdOrCtrl+4' },
      { label: 'Certificates', command: 'screen:certificates', accelerator: 'CmdOrCtrl+5' },
      { label: 'Apply', command: 'screen:apply', accelerator: 'CmdOrCtrl+6' },
      { label: 'Health', command: 'screen:health', accelerator: 'CmdOrCtrl+7' },
      { label: '', separator: true },
      { label: 'Toggle Light/Dark', command: 'toggle-theme', accelerator: 'CmdOrCtrl+Shift+L' },
      { label: 'Full Screen', role: 'togglefullscreen' },
    ],
  },
  { label: '&Help', items: [{ label: 'About Junction', role: 'about' }] },
];
