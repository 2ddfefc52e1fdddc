import { useEffect, useRef, useState } from 'react';
import { PathBrowser } from './PathBrowser';

export function PathPrompt(props: {
  title: string;
  hint: string;
  initial: string;
  action: string;
  /** What the folder browser picks: a workspace file to open, or a folder to save into (the name is typed). */
  browseFor?: 'workspace' | 'folder';
  /** Why the last submit failed; the typed path stays for correcting. */
  error?: string | null;
  onCancel(): void;
  onSubmit(path: string): void | Promise<void>;
}) {
  const [value, setValue] = useState(props.initial);
  const [browsing, setBrowsing] = useState(false);
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <div className="modal-backdrop" onKeyDown={(e) => e.key === 'Escape' && props.onCancel()}>
      <form
        className="modal"
        role="dialog"
        aria-modal="true"
        aria-label={props.title}
        onSubmit={(e) => {
          e.preventDefault();
          if (value.trim()) void props.onSubmit(value.trim());
        }}
      >
        <h2>{props.title}</h2>
        <p className="muted">{props.hint}</p>
        <input
          ref={ref}
          className="path-input"
          value={value}
          onChange={(e) => setValue(e.target.value)}
          placeholder="/home/admin/estate.junction.json"
          spellCheck={false}
          aria-label="Path"
        />
        {/* Browser mode only (Electron opens its native dialogs instead of this prompt). */}
        {browsing ? (
          <PathBrowser
            value={value}
            purpose={props.browseFor ?? 'workspace'}
            onPick={(p) => {
              setValue(props.browseFor === 'folder' ? `${p.replace(/[\\/]$/, '')}/` : p);
              setBrowsing(false);
              ref.current?.focus();
            }}
            onClose={() => setBrowsing(false)}
          />
        ) : (
          <button type="button" className="link" onClick={() => setBrowsing(true)} data-path-browser="workspace">
            Browse folders…
          </button>
        )}
        {props.error && (
          <p className="error-text small" role="alert" data-testid="path-prompt-error">
            {props.error}
          </p>
        )}
        <div className="modal-actions">
          <button type="button" onClick={props.onCancel}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={!value.trim()}>
            {props.action}
          </button>
        </div>
      </form>
    </div>
  );
}
