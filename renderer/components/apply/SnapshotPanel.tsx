// Carrying live state across the air gap: on a connected machine, export the snapshot the last live plan saved;
// on the machine where the change is reviewed, import it, then "Plan offline" plans against it.
import { useState } from 'react';
import type { AzureSnapshotResult } from '../../../shared/api/azure-api';
import { useStores } from '../context';
import { Field, Outcome, PathInput } from '../ops';

export function SnapshotPanel() {
  const { api, ws } = useStores();
  const [path, setPath] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<AzureSnapshotResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const run = async (action: 'export' | 'import') => {
    const s = ws.getState();
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      setResult(
        await api['azure.snapshot']({
          fileName: s.fileName || 'workspace.junction.json',
          text: s.text,
          action,
          path: path.trim(),
        }),
      );
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="panel ops-panel" aria-label="Snapshot of live state" data-testid="snapshot-panel">
      <h2>Snapshot of live state</h2>
      <p className="muted small">
        Export it on a connected machine after a live plan; import it on the machine where the change is
        reviewed, then Plan offline.
      </p>
      <Field label="Snapshot file">
        <PathInput
          value={path}
          onChange={(v) => setPath(v)}
          placeholder="/media/transfer/contoso-snapshot.json"
        />
      </Field>
      <div className="ops-actions">
        <button type="button" disabled={busy || !path.trim()} onClick={() => void run('export')}>
          Export
        </button>
        <button type="button" disabled={busy || !path.trim()} onClick={() => void run('import')}>
          Import
        </button>
      </div>
      {result && (
        <Outcome
          kind="ok"
          title={result.action === 'export' ? 'Snapshot exported' : 'Snapshot imported'}
          testId="snapshot-outcome"
        >
          {result.resources} resources as ARM returned them at {result.savedAt.slice(0, 16).replace('T', ' ')}{' '}
          UTC
          {result.replaced
            ? ` (replaced the snapshot of ${result.replaced.slice(0, 16).replace('T', ' ')} UTC)`
            : ''}
          .
        </Outcome>
      )}
      {error && (
        <Outcome kind="error" title="Snapshot not transferred" testId="snapshot-outcome">
          {error}
        </Outcome>
      )}
    </div>
  );
}
