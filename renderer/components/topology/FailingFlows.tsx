// The needed flows and intents that fail (reach.failingFlows), offered on the diagram so one can be traced hop by
// hop like a reach answer. Asked again whenever the valid model changes.
import { useEffect, useState } from 'react';
import type { FailingFlowView } from '../../../shared/api/reach-api';
import { useStores, useWs } from '../context';

export function useFailingFlows(): { flows: FailingFlowView[]; error: string | null } {
  const { api, ws } = useStores();
  const workspace = useWs((s) => s.workspace);
  const [state, setState] = useState<{ flows: FailingFlowView[]; error: string | null }>({ flows: [], error: null });
  useEffect(() => {
    if (!workspace) return;
    let live = true;
    // The model is only replaced by text that loads, so the text now is the text of this model.
    const { text, fileName } = ws.getState();
    api['reach.failingFlows']({ fileName: fileName || 'workspace.junction.json', text }).then(
      (r) => live && setState(r.ok ? { flows: r.failing, error: null } : { flows: [], error: r.error }),
      (e: unknown) => live && setState({ flows: [], error: (e as Error).message }),
    );
    return () => {
      live = false;
    };
  }, [api, ws, workspace]);
  return state;
}

/** Stable across re-checks, so the selection survives an edit that leaves the flow failing. */
export const failingFlowKey = (f: FailingFlowView) => `${f.owner}\u0000${f.description}`;

export function FailingFlowSelect({
  flows,
  value,
  onChange,
}: {
  flows: readonly FailingFlowView[];
  value: string | null;
  onChange(key: string | null): void;
}) {
  if (!flows.length) return null;
  return (
    <label className="small">
      Failing flow{' '}
      <select
        className="failing-flows"
        aria-label="Failing flow"
        value={value !== null && flows.some((f) => failingFlowKey(f) === value) ? value : ''}
        onChange={(e) => onChange(e.target.value === '' ? null : e.target.value)}
      >
        <option value="">{flows.length} failing — trace one…</option>
        {flows.map((f) => (
          <option key={failingFlowKey(f)} value={failingFlowKey(f)} disabled={!f.answer} title={f.error ?? f.why}>
            {f.owner}: {f.description} ({f.verdict}, expected {f.expect})
          </option>
        ))}
      </select>
    </label>
  );
}
