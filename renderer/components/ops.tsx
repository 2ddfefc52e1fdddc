// Pieces the long-running screens share: a determinate progress bar with bytes/files/ETA, and the outcome
// banner of an operation.
import type { InputHTMLAttributes, ReactNode } from 'react';
import type { Op } from '../stores/generate';
import { formatBytes } from '../stores/generate';
import type { PathPurposeId } from '../../shared/api/dialogs';
import { useStores } from './context';

/** The bar and its line: `pct` undefined draws an indeterminate bar (the total is not known yet). */
export function ProgressBar({
  label,
  testId,
  pct,
  children,
}: {
  label: string;
  testId: string;
  pct: number | undefined;
  children: ReactNode;
}) {
  return (
    <div className="op-progress" data-testid={testId}>
      <div
        className={`bar ${pct === undefined ? 'indeterminate' : ''}`}
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        {...(pct !== undefined ? { 'aria-valuenow': pct } : {})}
      >
        <div className="fill" style={{ width: `${pct ?? 30}%` }} />
      </div>
      <div className="op-line">{children}</div>
    </div>
  );
}

export function OpProgress<T>({ op, label, onCancel }: { op: Op<T>; label: string; onCancel?: () => void }) {
  if (op.status !== 'running') return null;
  const p = op.progress;
  const pct =
    p && p.bytesTotal > 0 ? Math.min(100, Math.round((p.bytesDone / p.bytesTotal) * 100)) : undefined;
  return (
    <ProgressBar label={label} testId={`${label}-progress`} pct={pct}>
      <span className="op-phase">{p ? `${p.phase}…` : 'starting…'}</span>
      {p && (
        <span className="num">
          {formatBytes(p.bytesDone)} / {formatBytes(p.bytesTotal)} · {p.filesDone}/{p.filesTotal} files
          {p.etaSeconds !== undefined && p.bytesDone < p.bytesTotal
            ? ` · ETA ${Math.ceil(p.etaSeconds)} s`
            : ''}
        </span>
      )}
      <span className="spacer" />
      {onCancel && (
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      )}
    </ProgressBar>
  );
}

export function Outcome({
  kind,
  title,
  children,
  testId,
}: {
  kind: 'ok' | 'error' | 'warn';
  title: string;
  children?: ReactNode;
  testId?: string;
}) {
  return (
    <div
      className={`outcome ${kind}`}
      role={kind === 'error' ? 'alert' : 'status'}
      data-testid={testId}
      data-outcome={kind}
    >
      <div className="outcome-title">
        <span className="outcome-icon" aria-hidden="true">
          {kind === 'ok' ? '✓' : kind === 'error' ? '✕' : '!'}
        </span>
        {title}
      </div>
      {children && <div className="outcome-body">{children}</div>}
    </div>
  );
}

/** A label-over-field row; the label is bound to the control for screen readers and Playwright. */
export function Field({
  label,
  hint,
  children,
  after,
}: {
  label: string;
  hint?: ReactNode;
  children: ReactNode;
  after?: ReactNode;
}) {
  const body = (
    <label>
      <span className="field-label">{label}</span>
      {children}
    </label>
  );
  return (
    <div className="field">
      {after ? (
        <div className="with-button">
          {body}
          {after}
        </div>
      ) : (
        body
      )}
      {hint && <div className="field-hint">{hint}</div>}
    </div>
  );
}

type InputProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange' | 'type'> & {
  value: string;
  onChange(value: string): void;
};

/**
 * A path the admin types: monospace, no spell checking. With `browse`, the desktop app adds a "Browse…" button
 * for the native dialog of that purpose; browser mode has none, and the path is typed.
 */
export function PathInput({ value, onChange, className, browse, ...rest }: InputProps & { browse?: PathPurposeId }) {
  const { api, info } = useStores();
  const input = (
    <input
      {...rest}
      className={`path-input mono${className ? ` ${className}` : ''}`}
      value={value}
      onChange={(e) => onChange(e.target.value)}
      spellCheck={false}
    />
  );
  if (!browse || info?.frontDoor !== 'electron') return input;
  const pick = async () => {
    const r = await api['dialog.openPath']({ purpose: browse });
    if (r.status === 'chosen') onChange(r.path);
  };
  return (
    <span className="path-browse">
      {input}
      <button type="button" onClick={() => void pick()} data-browse={browse}>
        Browse…
      </button>
    </span>
  );
}

/**
 * A password or key: the value lives only in the component state that owns it and the one request that sends
 * it; the browser is told not to offer it for saving.
 */
export function PasswordInput({ value, onChange, className, autoComplete = 'off', ...rest }: InputProps) {
  return (
    <input
      {...rest}
      type="password"
      autoComplete={autoComplete}
      className={`path-input${className ? ` ${className}` : ''}`}
      value={value}
      onChange={(e) => onChange(e.target.value)}
    />
  );
}
