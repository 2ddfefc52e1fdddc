// Pieces the long-running screens share: a determinate progress bar with bytes/files/ETA, and the outcome
// banner of an operation.
import { cloneElement, createContext, isValidElement, useContext, useState, type InputHTMLAttributes, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import type { Op } from '../stores/generate';
import { formatBytes } from '../stores/generate';
import type { PathPurposeId } from '../../shared/api/dialogs';
import { useStores } from './context';
import { PathBrowser } from './PathBrowser';

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
/** The label of the Field around a control: a path field with a Browse button inside its label keeps this name. */
const FieldLabel = createContext<string | undefined>(undefined);

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
      <FieldLabel.Provider value={label}>{children}</FieldLabel.Provider>
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
export function PathInput({
  value,
  onChange,
  className,
  browse,
  pickInto,
  ...rest
}: InputProps & {
  browse?: PathPurposeId;
  /** An output that must be new: a browsed folder becomes "folder/", for the new name to be typed after it. */
  pickInto?: boolean;
}) {
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
  if (!browse || !info) return input;
  // Browser mode: the host's folder browser; Electron: the native dialog.
  if (info.frontDoor === 'web')
    return (
      <HostBrowse
        input={input}
        value={value}
        onChange={(p) => onChange(pickInto ? `${p.replace(/[\\/]$/, '')}/` : p)}
        browse={browse}
        label={rest['aria-label']}
      />
    );
  if (info.frontDoor !== 'electron') return input;
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
 * Browser mode's Browse button: the host's folder browser in a modal over the screen. The input keeps the
 * field's own name (the button inside the same label would otherwise join it).
 */
function HostBrowse(props: {
  input: ReactNode;
  value: string;
  onChange(v: string): void;
  browse: PathPurposeId;
  label?: string;
}) {
  const [open, setOpen] = useState(false);
  const fieldLabel = useContext(FieldLabel);
  const name = props.label ?? fieldLabel;
  const input =
    name && isValidElement<InputHTMLAttributes<HTMLInputElement>>(props.input)
      ? cloneElement(props.input, { 'aria-label': name })
      : props.input;
  return (
    <span className="path-browse">
      {input}
      <button
        type="button"
        onClick={() => setOpen(true)}
        data-path-browser={props.browse}
        // A title, not an aria-label: "Browse for Output path" would also answer to the field's own label.
        title={name ? `Browse for ${name}` : undefined}
      >
        Browse…
      </button>
      {open &&
        createPortal(
          <div className="modal-backdrop" onKeyDown={(e) => e.key === 'Escape' && setOpen(false)}>
            <div className="modal" role="dialog" aria-modal="true" aria-label="Folder browser" data-for={name}>
              <PathBrowser
                value={props.value}
                purpose={props.browse}
                onPick={(p) => {
                  props.onChange(p);
                  setOpen(false);
                }}
                onClose={() => setOpen(false)}
              />
            </div>
          </div>,
          document.body,
        )}
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
