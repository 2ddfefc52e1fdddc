// Keeps the health store on the document in the editor: the saved file (where the history lives) and a load of
// the probe sets, endpoints and history whenever the document or its file changes while a health view is open.
import { useEffect } from 'react';
import { hasOwnFile } from '../../stores/workspace';
import { useStores, useWs } from '../context';

export function useHealthSync(enabled = true): void {
  const { health } = useStores();
  const ready = useWs((s) => s.status === 'ready');
  const file = useWs((s) => (hasOwnFile(s) ? s.origin : null));
  const text = useWs((s) => s.text);
  useEffect(() => {
    health.getState().setWorkspace(file);
  }, [health, file]);
  useEffect(() => {
    if (!ready || !enabled) return;
    // The document changes per keystroke in the editor; a health view is not open then, but be gentle anyway.
    const t = setTimeout(() => void health.getState().load(), 150);
    return () => clearTimeout(t);
  }, [health, ready, enabled, file, text]);
}
