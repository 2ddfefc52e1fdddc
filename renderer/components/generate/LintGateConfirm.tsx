// The console's side of the lint gate: a build over lint errors needs the admin to read the errors and confirm.
// The host checks again (it lints the text it is sent) and records the override in the manifest and RUNBOOK.
import { useMemo } from 'react';
import { useWs } from '../context';
import { ConfirmDialog } from '../ConfirmDialog';

const SHOWN = 12;

export function LintGateConfirm({ onConfirm, onCancel }: { onConfirm(): void; onCancel(): void }) {
  const findings = useWs((s) => s.findings);
  const errors = useMemo(() => findings.filter((f) => f.severity === 'error'), [findings]);
  return (
    <ConfirmDialog
      title={`Build over ${errors.length} lint error${errors.length === 1 ? '' : 's'}?`}
      confirm="Build anyway"
      onConfirm={onConfirm}
      onCancel={onCancel}
      testId="lint-gate"
    >
      <p>
        The signed scripts would install what these errors describe. The bundle&apos;s manifest and RUNBOOK
        will say it was built over them.
      </p>
      <ul className="confirm-steps" aria-label="Lint errors">
        {errors.slice(0, SHOWN).map((f, i) => (
          <li key={i} data-rule={f.ruleId}>
            <span className="code-tag">{f.ruleId}</span> <span className="mono-inline">{f.where}</span>{' '}
            <span>{f.message}</span>
          </li>
        ))}
        {errors.length > SHOWN && (
          <li className="muted">…and {errors.length - SHOWN} more on the Problems screen</li>
        )}
      </ul>
    </ConfirmDialog>
  );
}

/** Above the Build button while the workspace has lint errors: the build will ask before it signs anything. */
export function LintGateNote() {
  const errors = useWs((s) => s.counts.error);
  if (errors === 0) return null;
  return (
    <p className="banner warning small" data-testid="lint-gate-note">
      The workspace has {errors} lint error{errors === 1 ? '' : 's'}. Fix {errors === 1 ? 'it' : 'them'} on
      the Problems screen; building anyway asks you to confirm, and the bundle records it.
    </p>
  );
}
