// Sandboxed preload (bundled as CommonJS): exposes the typed contract as window.junction and the menu commands
// as window.junctionMenu; nothing else crosses the bridge.
import { contextBridge, ipcRenderer } from 'electron';
import { buildBridge, isMenuCommand, type MenuBridge } from './bridge';

contextBridge.exposeInMainWorld(
  'junction',
  buildBridge((channel, payload) => ipcRenderer.invoke(channel, payload)),
);

const menu: MenuBridge = {
  onCommand(listener) {
    const handler = (_e: unknown, command: unknown) => {
      if (isMenuCommand(command)) listener(command);
    };
    ipcRenderer.on('junction:menu', handler);
    return () => ipcRenderer.removeListener('junction:menu', handler);
  },
};
contextBridge.exposeInMainWorld('junctionMenu', menu);
