// Which flows the unsaved edits open or close, against the saved file (issue 20, as `junction reach --diff SAVED
// EDITED`). The host computes it (reach.diffSaved, ~30 ms on the example) once typing pauses, never per keystroke;
// an answer to older text is dropped.
import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { ReachDiffAnswer } from '../../shared/api/reach-api';
import type { FlowChange } from '../../shared/reach/diff';
import { useStores, useWs } from './context';

/** Quiet time after the last keystroke before asking (the lint debounce is 300 ms; this runs after it). */
export const REACH_DIFF_DEBOUNCE_MS = 800;

const VERDICT: Record<FlowChange['before'], string> = {
  reachable: 'reachable',
  blocked: 'blocked',
  'no-route': 'no route',
  unresolved: 'not in the workspace',
};
const MARK = { opened: '+', closed: '−', changed: '~' } as const;

export function ReachDiffPanel() {
  const { api, ui } = useStores();
  const status = useWs((s) => s.status);
  const text = useWs((s) => s.text);
  const savedText = useWs((s) => s.savedText);
  const fileName = useWs((s) => s.fileName);
  const [answer, setAnswer] = useState<{ for: string; r: ReachDiffAnswer } | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const asked = useRef(0);
  const dirty = status === 'ready' && savedText !== '' && text !== savedText;

  useEffect(() => {
    if (!dirty) return;
    const n = ++asked.current;
    const t = setTimeout(() => {
      api['reach.diffSaved']({ fileName: fileName || 'workspace.junction.json', text, savedText }).then(
        (r) => n === asked.current && (setAnswer({ for: text, r }), setFailed(null)),
        (e: unknown) => n === asked.current && setFailed((e as Error).message),
      );
    }, REACH_DIFF_DEBOUNCE_MS);
    return () => clearTimeout(t);
  }, [api, dirty, text, savedText, fileName]);

  let body: ReactNode;
  if (status !== 'ready') return null;
  if (savedText === '') body = <p className="muted small">Not saved yet: save the workspace to compare edits with it.</p>;
  else if (!dirty) body = <p className="muted small">No unsaved edits.</p>;
  else if (failed) body = <p className="sev error small">Could not compare: {failed}</p>;
  else if (!answer) body = <p className="muted small">Comparing with the saved file…</p>;
  else if (!answer.r.ok) body = <p className="muted small">Not compared: {answer.r.error}.</p>;
  else {
    const { diff, positions } = answer.r;
    const changes = (['opened', 'closed', 'changed'] as const).flatMap((k) => diff[k].map((c) => ({ k, c })));
    body = (
      <>
        <p className="small" data-testid="reach-diff-summary">
          {diff.opened.length} opened, {diff.closed.length} closed, {diff.changed.length} changed of {diff.flows}{' '}
          flows{answer.for !== text ? ' (updating…)' : ''}
        </p>
        {changes.length > 0 && (
          <ul className="plist reach-diff-list" aria-label="Flows the edits open or close">
            {changes.map(({ k, c }, i) => {
              const pos = c.decidedBy?.path ? positions[c.decidedBy.path] : undefined;
              return (
                <li key={i} className={`reach-diff ${k}`} data-change={k}>
                  <span className="reach-diff-mark" aria-label={k}>
                    {MARK[k]}
                  </span>
                  <span>
                    <span className="msg">
                      {c.flow.description}: {VERDICT[c.before]} → {VERDICT[c.after]}
                    </span>
                    <span className="loc">{c.owners.join('; ')}</span>
                    {c.decidedBy ? (
                      <span className="fix">
                        Decided by {c.decidedBy.name}
                        {pos && (
                          <>
                            {' '}
                            <button className="link" onClick={() => ui.getState().showInEditor(pos.line, pos.column)}>
                              line {pos.line}
                            </button>
                          </>
                        )}
                      </span>
                    ) : (
                      c.error && <span className="fix">{c.error}</span>
                    )}
                  </span>
                </li>
              );
            })}
          </ul>
        )}
      </>
    );
  }
  return (
    <div className="panel reach-diff-panel" data-testid="reach-diff-panel">
      <h2>Flows the unsaved edits open or close</h2>
      {body}
    </div>
  );
}
