// Every path that would discard unsaved edits asks first: open, "New from example", a recent file, and (through the
// browser's own prompt, or Electron's will-prevent-unload dialog) reload and closing the window.
import { useCallback, useEffect } from 'react';
import { hasOwnFile, hasUnsavedEdits } from '../stores/workspace';
import { useStores, useUi, useWs } from './context';
import { ConfirmDialog } from './ConfirmDialog';

/** Runs `run` now when nothing is unsaved, else once the admin agrees to discard (or saves first). */
export function useDiscardGuard(): (what: string, run: () => unknown) => void {
  const { ws, ui } = useStores();
  return useCallback(
    (what, run) => {
      if (hasUnsavedEdits(ws.getState())) ui.getState().askDiscard({ what, run: () => void run() });
      else void run();
    },
    [ws, ui],
  );
}

/** While there are unsaved edits, a reload or close needs the admin's confirmation. */
export function useBeforeUnloadGuard(): void {
  const dirty = useWs(hasUnsavedEdits);
  useEffect(() => {
    if (!dirty) return;
    const onUnload = (e: BeforeUnloadEvent) => {
      e.preventDefault();
      // Older Chromium (and Electron's will-prevent-unload) look at returnValue rather than preventDefault.
      e.returnValue = '';
    };
    window.addEventListener('beforeunload', onUnload);
    return () => window.removeEventListener('beforeunload', onUnload);
  }, [dirty]);
}

export function UnsavedChangesDialog() {
  const { ws, ui } = useStores();
  const pending = useUi((s) => s.pendingDiscard);
  const name = useWs((s) => s.fileName || 'The workspace');
  const canSave = useWs(hasOwnFile);
  if (!pending) return null;
  const close = () => ui.getState().askDiscard(null);
  return (
    <ConfirmDialog
      title="Discard unsaved changes?"
      confirm="Discard changes"
      cancel="Keep editing"
      testId="unsaved-guard"
      onCancel={close}
      onConfirm={() => {
        close();
        pending.run();
      }}
      {...(canSave
        ? {
            extra: {
              label: 'Save, then continue',
              onClick: () => {
                close();
                void ws
                  .getState()
                  .save()
                  .then((ok) => ok && pending.run());
              },
            },
          }
        : {})}
    >
      <p>
        <strong>{name}</strong> has edits that are not saved. {pending.what} would discard them.
      </p>
    </ConfirmDialog>
  );
}
