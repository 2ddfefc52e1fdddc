// "Record at certificates[1].thumbprint" with a button that does it: the thumbprint is written into the document
// in the editor (a JSON edit at that path, formatting kept), which then needs saving like any other edit.
import { useState } from 'react';
import { applyEdits, modify } from 'jsonc-parser';
import { useStores, useWs } from '../context';

export function RecordThumbprint({
  path,
  at,
  thumbprint,
}: {
  path: (string | number)[];
  at: string;
  thumbprint: string;
}) {
  const { ws } = useStores();
  const text = useWs((s) => s.text);
  const [note, setNote] = useState<string | null>(null);
  const json = text.trimStart().startsWith('{');
  const record = () => {
    const edits = modify(text, path, thumbprint, { formattingOptions: { insertSpaces: true, tabSize: 2 } });
    ws.getState().edit(applyEdits(text, edits));
    setNote(`Recorded at ${at}; save the workspace to keep it.`);
  };
  return (
    <>
      <dt>Record at</dt>
      <dd>
        <span className="mono">{at}</span>{' '}
        {json ? (
          <button type="button" className="link small" onClick={record} data-testid="record-thumbprint">
            Record in the workspace
          </button>
        ) : (
          <span className="muted small">(a YAML workspace: type it in the editor)</span>
        )}
        {note && (
          <span className="muted small" role="status">
            {' '}
            {note}
          </span>
        )}
      </dd>
    </>
  );
}
