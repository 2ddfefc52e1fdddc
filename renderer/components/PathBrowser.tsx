// Browser mode's folder and file browser (issue #17): a browser cannot hand a path over, so the host lists its
// folders (files.list, loopback and token-checked like every channel) and the admin clicks down to the file.
// Electron keeps its native dialogs; PathInput and PathPrompt show this only when the front door is the web.
import { useEffect, useState } from 'react';
import type { FolderListing } from '../../shared/api/files-api';
import { PATH_PURPOSES, type PathPurposeId } from '../../shared/api/dialogs';
import { useStores } from './context';
import { formatBytes } from '../stores/generate';

// Its few styles stay here, beside the markup, rather than in the shared stylesheet.
const BOX = {
  border: '1px solid var(--border, #8884)',
  borderRadius: 4,
  padding: 6,
  margin: '6px 0',
} as const;
const HEAD = { display: 'flex', gap: 6, alignItems: 'center', flexWrap: 'wrap' } as const;
const LIST = { listStyle: 'none', margin: '6px 0 0', padding: 0, maxHeight: 260, overflowY: 'auto' } as const;
const ENTRY = {
  width: '100%',
  textAlign: 'left',
  border: 'none',
  background: 'none',
  padding: '2px 4px',
} as const;

/** The folder the last browse ended in, so the next field starts there rather than at the root. */
let lastFolder: string | undefined;

const isAbsolutePath = (p: string) => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p);
const sepOf = (p: string) => (p.includes('\\') && !p.includes('/') ? '\\' : '/');
const childOf = (dir: string, name: string) =>
  /[\\/]$/.test(dir) ? `${dir}${name}` : `${dir}${sepOf(dir)}${name}`;
const parentOf = (p: string) => p.replace(/[\\/][^\\/]*[\\/]?$/, '') || '/';

export function PathBrowser(props: {
  /** What the field holds now: its folder is where the browser opens. */
  value: string;
  /** A file (open workspace, .pfx) or a folder (output folder, bundle folder). */
  purpose: PathPurposeId | 'workspace';
  onPick(path: string): void;
  onClose(): void;
}) {
  const { api } = useStores();
  const pick = props.purpose === 'workspace' ? 'file' : PATH_PURPOSES[props.purpose].pick;
  const extensions =
    props.purpose === 'workspace'
      ? ['json', 'yaml', 'yml']
      : 'filters' in PATH_PURPOSES[props.purpose]
        ? (PATH_PURPOSES[props.purpose] as { filters: { extensions: readonly string[] }[] }).filters.flatMap(
            (f) => f.extensions,
          )
        : [];
  const [listing, setListing] = useState<FolderListing | null>(null);
  const [error, setError] = useState<string | null>(null);

  const open = async (path: string, fallbacks: string[] = []) => {
    try {
      const r = await api['files.list']({ path });
      setListing(r);
      setError(null);
      lastFolder = r.path;
    } catch (e) {
      const [next, ...rest] = fallbacks;
      if (next) return open(next, rest);
      setError((e as Error).message);
    }
  };
  useEffect(() => {
    const typed = props.value.trim();
    const starts = isAbsolutePath(typed) ? [typed, parentOf(typed)] : [];
    const [first, ...rest] = [...starts, ...(lastFolder ? [lastFolder] : []), '/'];
    void open(first!, rest);
    // Opened once per showing; navigation happens inside.
  }, []);

  const matches = (name: string) =>
    extensions.length === 0 || extensions.some((x) => name.toLowerCase().endsWith(`.${x}`));

  return (
    <div
      className="path-browser"
      style={BOX}
      data-testid="path-browser"
      role="group"
      aria-label="Browse folders on this machine"
    >
      <div className="path-browser-head" style={HEAD}>
        <button
          type="button"
          onClick={() => listing?.parent && void open(listing.parent)}
          disabled={!listing?.parent}
          aria-label="Up one folder"
        >
          ↑ Up
        </button>
        <span className="mono small sel" data-testid="path-browser-folder">
          {listing?.path ?? '…'}
        </span>
        <span style={{ flex: 1 }} />
        {pick === 'folder' && listing && (
          <button type="button" className="primary" onClick={() => props.onPick(listing.path)}>
            Choose this folder
          </button>
        )}
        <button type="button" onClick={props.onClose}>
          Close
        </button>
      </div>
      {error && (
        <p className="error-text small" role="alert" data-testid="path-browser-error">
          {error}
        </p>
      )}
      {listing && (
        <ul className="path-browser-list" style={LIST}>
          {listing.entries.map((e) => {
            const usable =
              e.kind === 'dir' || (e.kind === 'file' && (pick === 'file' ? matches(e.name) : false));
            const path = childOf(listing.path, e.name);
            return (
              <li key={e.name}>
                <button
                  type="button"
                  style={{ ...ENTRY, cursor: usable ? 'pointer' : 'default', opacity: usable ? 1 : 0.55 }}
                  data-kind={e.kind}
                  data-name={e.name}
                  disabled={!usable}
                  title={
                    e.kind === 'other' ? 'a special file (pipe, socket or device): not opened' : undefined
                  }
                  onClick={() => (e.kind === 'dir' ? void open(path) : props.onPick(path))}
                >
                  <span aria-hidden="true">{e.kind === 'dir' ? '📁' : e.kind === 'file' ? '📄' : '·'}</span>{' '}
                  {e.name}
                  {e.kind === 'dir' ? '/' : ''}
                  {e.size !== undefined && <span className="muted small"> {formatBytes(e.size)}</span>}
                </button>
              </li>
            );
          })}
          {listing.entries.length === 0 && <li className="muted small">This folder is empty.</li>}
          {listing.truncated && (
            <li className="muted small">More entries than are listed here: type the rest of the path.</li>
          )}
        </ul>
      )}
    </div>
  );
}
