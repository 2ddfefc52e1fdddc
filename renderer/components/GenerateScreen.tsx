import { useEffect, useMemo, useState, type FormEvent } from 'react';
import type { GeneratedFile } from '../../shared/generate/types';
import { languageOf } from '../highlight/tokenize';
import {
  RUNBOOK,
  chosenKey,
  formatBytes,
  formatFingerprint,
  keyStoreUsable,
  signMode,
  type BundleFormat,
} from '../stores/generate';
import { CodeView } from './CodeView';
import { Field, OpProgress, Outcome, PasswordInput, PathInput } from './ops';
import { useGen, useStores, useWs } from './context';
import { LintGateConfirm, LintGateNote } from './generate/LintGateConfirm';
import { describeLint } from '../../shared/bundle/lint-record';

const FORMATS: { id: BundleFormat; label: string; hint: string }[] = [
  { id: 'dir', label: 'Folder', hint: 'a folder; can be written to media below' },
  { id: 'tar', label: '.tar', hint: 'one archive; tar -xf on the far side' },
  { id: 'zip', label: '.zip', hint: 'one archive; Expand-Archive on Windows' },
];

function groupByHost(files: readonly GeneratedFile[]): [string, GeneratedFile[]][] {
  const m = new Map<string, GeneratedFile[]>();
  for (const f of files) m.set(f.host, [...(m.get(f.host) ?? []), f]);
  return [...m.entries()];
}

export function GenerateScreen() {
  const { gen } = useStores();
  const status = useWs((s) => s.status);
  const text = useWs((s) => s.text);
  const preview = useGen((s) => s.preview);
  const previewError = useGen((s) => s.previewError);
  const offScenarios = useGen((s) => s.offScenarios);
  const offHosts = useGen((s) => s.offHosts);
  const shown = useGen((s) => s.shown);

  // Regenerate when the document changes (debounced: the editor fires on every key).
  useEffect(() => {
    const t = setTimeout(() => void gen.getState().refresh(), 150);
    return () => clearTimeout(t);
  }, [gen, text]);

  const file = preview?.files.find((f) => f.path === shown);
  const groups = useMemo(() => groupByHost(preview?.files ?? []), [preview]);

  if (status === 'empty')
    return (
      <section className="screen empty-state">
        <h1>Generate &amp; Bundle</h1>
        <p className="muted">Open a workspace to generate its scripts.</p>
      </section>
    );

  const viewText = shown === RUNBOOK ? (preview?.runbook ?? '') : (file?.content ?? '');
  const lang = shown === RUNBOOK ? 'markdown' : languageOf(shown, file?.kind);
  const lineCount = viewText ? viewText.split('\n').length - (viewText.endsWith('\n') ? 1 : 0) : 0;

  return (
    <section className="screen generate-screen" aria-label="Generate & Bundle">
      <header className="screen-head">
        <h1>Generate &amp; Bundle</h1>
        {preview?.ok && (
          <span className="muted num">
            {preview.files.length} scripts · {preview.steps.length} steps ·{' '}
            {new Set(preview.steps.map((s) => s.target.id)).size} targets selected
          </span>
        )}
      </header>
      {previewError && (
        <div className="banner error" role="alert">
          <span>{previewError}</span>
        </div>
      )}
      {preview && !preview.ok && (
        <div className="banner error" role="alert">
          <span>
            The workspace has {preview.problems.length} schema problem
            {preview.problems.length === 1 ? '' : 's'}; fix them on the Workspace screen to generate scripts.
          </span>
        </div>
      )}
      <div className="gen-body">
        <aside className="gen-pick" aria-label="Selection">
          <div className="pick-section">
            <h3>Scenarios</h3>
            {preview?.scenarios.map((s) => (
              <label key={s.id} className={`check ${s.steps === 0 ? 'dim' : ''}`} title={s.id}>
                <input
                  type="checkbox"
                  checked={!offScenarios.includes(s.id)}
                  disabled={s.steps === 0}
                  onChange={() => gen.getState().toggleScenario(s.id)}
                />
                <span className="check-label">{s.title}</span>
                <span className="num muted">{s.steps}</span>
              </label>
            ))}
          </div>
          <div className="pick-section">
            <h3>
              Targets
              <span className="spacer" />
              <button className="link" onClick={() => gen.getState().setAllHosts(true)}>
                all
              </button>
              <button className="link" onClick={() => gen.getState().setAllHosts(false)}>
                none
              </button>
            </h3>
            {preview?.targets.map((t) => (
              <label key={t.id} className="check" title={t.label}>
                <input
                  type="checkbox"
                  checked={!offHosts.includes(t.id)}
                  onChange={() => gen.getState().toggleHost(t.id)}
                />
                <span className="check-label mono">{t.id}</span>
                <span className="num muted">{t.steps}</span>
              </label>
            ))}
          </div>
          <div className="pick-section files" role="tree" aria-label="Generated files">
            <h3>Files</h3>
            <button
              role="treeitem"
              aria-selected={shown === RUNBOOK}
              className={`file top ${shown === RUNBOOK ? 'active' : ''}`}
              onClick={() => gen.getState().show(RUNBOOK)}
            >
              {RUNBOOK}
            </button>
            {groups.map(([host, files]) => (
              <div key={host} role="group" aria-label={host}>
                <div className="file-host mono">{host}</div>
                {files.map((f) => (
                  <button
                    key={f.path}
                    role="treeitem"
                    aria-selected={shown === f.path}
                    className={`file ${shown === f.path ? 'active' : ''}`}
                    onClick={() => gen.getState().show(f.path)}
                    title={f.path}
                    data-path={f.path}
                  >
                    <span className="file-scn">{f.scenario}/</span>
                    {f.path.split('/').pop()}
                  </button>
                ))}
              </div>
            ))}
          </div>
        </aside>
        <div className="gen-preview">
          <div className="pane-head">
            <span className="pane-title mono" data-testid="shown-file">
              {shown || '—'}
            </span>
            <span className="spacer" />
            {file && <span className="muted">step {file.step}</span>}
            <span className="badge">{lang}</span>
            <span className="muted num">{lineCount} lines</span>
          </div>
          {viewText ? (
            <CodeView text={viewText} lang={lang} label={`Preview of ${shown}`} />
          ) : (
            <div className="canvas-empty muted">Nothing selected generates a script.</div>
          )}
        </div>
        <aside className="gen-ops" aria-label="Bundle">
          <BuildPanel />
          <VerifyPanel />
          <WritePanel />
        </aside>
      </div>
    </section>
  );
}

const AZURE_EXPORTS = [
  { id: 'none', label: 'None' },
  { id: 'arm', label: 'ARM template' },
  { id: 'cli', label: 'az CLI script' },
  { id: 'both', label: 'Both' },
] as const;

/** What else travels under the signature: the same options as `junction bundle build` has. */
function BundleExtras() {
  const { gen } = useStores();
  const azureExport = useGen((s) => s.azureExport);
  const staging = useGen((s) => s.staging);
  const split = useGen((s) => s.splitForFat32);
  return (
    <details className="bundle-extras">
      <summary className="small">
        Also in the bundle
        {azureExport !== 'none' || staging.trim() || split ? (
          <span className="muted">
            {' '}
            ·{' '}
            {[
              azureExport !== 'none' && `Azure export (${azureExport})`,
              staging.trim() && 'staged CycleCloud projects',
              split && 'split for FAT32',
            ]
              .filter(Boolean)
              .join(', ')}
          </span>
        ) : null}
      </summary>
      <Field
        label="Azure export"
        hint="for someone on a connected machine: az deployment group create, or the az script; no secrets"
      >
        <select
          value={azureExport}
          onChange={(e) =>
            gen.getState().set({ azureExport: e.target.value as (typeof AZURE_EXPORTS)[number]['id'] })
          }
        >
          {AZURE_EXPORTS.map((a) => (
            <option key={a.id} value={a.id}>
              {a.label}
            </option>
          ))}
        </select>
      </Field>
      <Field label="Staged CycleCloud projects" hint="optional: the folder junction stage fetch wrote">
        <PathInput
          browse="folder"
          value={staging}
          onChange={(v) => gen.getState().set({ staging: v })}
          placeholder="/home/admin/staging/contoso"
        />
      </Field>
      <label className="check small">
        <input
          type="checkbox"
          checked={split}
          onChange={(e) => gen.getState().set({ splitForFat32: e.target.checked })}
        />
        Split files over 4 GiB into parts (FAT32 media); verify.sh and verify.ps1 reassemble them
      </label>
    </details>
  );
}

function BuildPanel() {
  const { gen, api, info } = useStores();
  const format = useGen((s) => s.format);
  const out = useGen((s) => s.out);
  const signKey = useGen((s) => s.signKey);
  const op = useGen((s) => s.build);
  const nothing = useGen((s) => !s.preview?.ok || s.preview.files.length === 0);
  const keyStore = useGen((s) => s.keyStore);
  const mode = useGen(signMode);
  const key = useGen(chosenKey);
  // The password lives only in this field and the request that uses it; it is cleared once sent.
  const [password, setPassword] = useState('');
  // While the lint-gate question is open, the password waits here (not in the field, not in a store).
  const [pendingPassword, setPendingPassword] = useState<string | null>(null);
  const lintErrors = useWs((s) => s.counts.error);
  const running = op.status === 'running';
  // Fresh each time the screen opens: a key may have been kept from the Certificates screen meanwhile.
  useEffect(() => void gen.getState().loadKeys(), [gen]);
  const ready = mode === 'stored' ? !!key : !!signKey.trim();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const pw = password;
    setPassword('');
    if (lintErrors > 0) setPendingPassword(pw);
    else void gen.getState().buildBundle(pw);
  };
  const choose = async () => {
    const r = await api['dialog.saveBundle']({ suggestedName: 'junction-bundle', format });
    if (r.status === 'chosen') gen.getState().set({ out: r.path });
  };

  return (
    <form className="panel ops-panel" onSubmit={submit} aria-label="Build a bundle">
      <h2>Build a signed bundle</h2>
      <div className="segmented" role="radiogroup" aria-label="Format">
        {FORMATS.map((f) => (
          <label key={f.id} className={format === f.id ? 'on' : ''} title={f.hint}>
            <input
              type="radio"
              name="format"
              value={f.id}
              checked={format === f.id}
              onChange={() => gen.getState().set({ format: f.id })}
            />
            {f.label}
          </label>
        ))}
      </div>
      <Field
        label="Output path"
        hint={format === 'dir' ? 'a new folder; never overwritten' : `a new .${format} file`}
        after={
          info?.frontDoor === 'electron' && (
            <button type="button" onClick={() => void choose()}>
              Choose…
            </button>
          )
        }
      >
        <PathInput
          // Browser mode has no save dialog: the host's folder browser picks where, the name is typed after it.
          browse={info?.frontDoor === 'web' ? 'folder' : undefined}
          pickInto
          value={out}
          onChange={(v) => gen.getState().set({ out: v })}
          placeholder={
            format === 'dir' ? '/media/transfer/contoso-2026-11' : `/media/transfer/contoso-2026-11.${format}`
          }
        />
      </Field>
      {keyStore && keyStoreUsable(keyStore) ? (
        <fieldset className="sign-with">
          <legend className="field-label">Sign with</legend>
          {(
            [
              ['stored', "Key in this computer's key store"],
              ['pfx', '.pfx file + password'],
            ] as const
          ).map(([id, label]) => (
            <label key={id} className="radio-line">
              <input
                type="radio"
                name="sign-with"
                value={id}
                checked={mode === id}
                onChange={() => gen.getState().set({ signWith: id })}
              />
              <span>{label}</span>
            </label>
          ))}
        </fieldset>
      ) : (
        keyStore && (
          <p className="muted small" data-testid="no-key-store">
            {keyStore.available
              ? `No key store on this computer (${keyStore.vault.detail}): sign with a .pfx file and its password.`
              : `The ${info?.frontDoor === 'web' ? 'browser' : (info?.frontDoor ?? 'browser')} front door has no key store: sign with a .pfx file and its password.`}
          </p>
        )
      )}
      {mode === 'stored' ? (
        <StoredKeys />
      ) : (
        <>
          <Field label="Signing key (.pfx)">
            <PathInput
              browse="pfx"
              value={signKey}
              onChange={(v) => gen.getState().set({ signKey: v })}
              placeholder="/home/admin/keys/bundle-signer.pfx"
            />
          </Field>
          <Field label="PFX password" hint="sent with this build only; never stored">
            <PasswordInput value={password} onChange={(v) => setPassword(v)} />
          </Field>
        </>
      )}
      <BundleExtras />
      <LintGateNote />
      <div className="ops-actions">
        <button type="submit" className="primary" disabled={running || nothing || !out.trim() || !ready}>
          Build bundle
        </button>
      </div>
      {pendingPassword !== null && (
        <LintGateConfirm
          onCancel={() => setPendingPassword(null)}
          onConfirm={() => {
            const pw = pendingPassword;
            setPendingPassword(null);
            void gen.getState().buildBundle(pw, { allowLintErrors: true });
          }}
        />
      )}
      <OpProgress op={op} label="build" onCancel={() => void gen.getState().cancel('build')} />
      {op.status === 'done' && op.result && (
        <Outcome kind="ok" title="Bundle built and signed" testId="build-outcome">
          <dl className="kv">
            <dt>Path</dt>
            <dd className="mono sel">{op.result.out}</dd>
            <dt>Signer</dt>
            <dd>{op.result.signerSubject}</dd>
            <dt>Fingerprint</dt>
            <dd className="mono sel fp" data-testid="build-fingerprint">
              {/* Two lines of 16 bytes: the way it is read aloud over the phone. */}
              <span>{formatFingerprint(op.result.fingerprint).slice(0, 47)}</span>:
              <span>{formatFingerprint(op.result.fingerprint).slice(48)}</span>
            </dd>
            <dt>Contents</dt>
            <dd className="num">
              {op.result.files} files · {formatBytes(op.result.bytes)} payload · id{' '}
              {op.result.bundleId.slice(0, 12)}
            </dd>
            <dt>Lint</dt>
            <dd data-testid="build-lint" className={op.result.lint?.override ? 'error-text' : ''}>
              {describeLint(op.result.lint)}
            </dd>
          </dl>
          <p className="muted small">
            Give the fingerprint to the far side by a separate channel (phone, ticket).
          </p>
        </Outcome>
      )}
      {(op.status === 'failed' || op.status === 'cancelled') && (
        <Outcome
          kind="error"
          title={op.status === 'cancelled' ? 'Build cancelled' : 'Build failed'}
          testId="build-outcome"
        >
          {op.error}
        </Outcome>
      )}
    </form>
  );
}

/**
 * The keys of this computer's key store: pick one to sign with, remove one, or import a .pfx (read with its
 * password on the host, then kept sealed; the password is not kept).
 */
function StoredKeys() {
  const { gen } = useStores();
  const keyStore = useGen((s) => s.keyStore);
  const key = useGen(chosenKey);
  const keyError = useGen((s) => s.keyError);
  const keys = keyStore?.keys ?? [];
  const [importing, setImporting] = useState(keys.length === 0);
  return (
    <div className="stored-keys">
      {keys.length > 0 ? (
        <Field
          label="Stored signing key"
          hint={key && <span className="mono">{formatFingerprint(key.fingerprint).slice(0, 23)}…</span>}
          after={
            key && (
              <button
                type="button"
                title="Remove this key from the key store (its .pfx, wherever it is, is not touched)"
                onClick={() => void gen.getState().removeKey(key.id)}
              >
                Remove
              </button>
            )
          }
        >
          <select value={key?.id ?? ''} onChange={(e) => gen.getState().set({ storedKey: e.target.value })}>
            {keys.map((k) => (
              <option key={k.id} value={k.id}>
                {k.label} · {k.origin} · until {k.notAfter.slice(0, 10)}
              </option>
            ))}
          </select>
        </Field>
      ) : (
        <p className="muted small">No key in this computer&apos;s key store yet.</p>
      )}
      {keyError && <p className="error-text small">{keyError}</p>}
      {importing ? (
        <ImportKey onDone={() => setImporting(false)} />
      ) : (
        <button type="button" className="link small" onClick={() => setImporting(true)}>
          Import into key store…
        </button>
      )}
    </div>
  );
}

/** Not a nested form (the Build panel is one): Enter in these fields must not start a build. */
function ImportKey({ onDone }: { onDone: () => void }) {
  const { gen } = useStores();
  const keyStore = useGen((s) => s.keyStore);
  const op = useGen((s) => s.keyImport);
  const [pfx, setPfx] = useState('');
  const [password, setPassword] = useState('');
  const [label, setLabel] = useState('');
  const [acceptWeak, setAcceptWeak] = useState(false);
  const weak = keyStore?.vault.protection === 'weak' && !keyStore.vault.weakAccepted;
  const submit = async () => {
    const pw = password;
    setPassword('');
    const ok = await gen.getState().importKey(pfx, pw, { label, acceptWeakStorage: acceptWeak });
    if (ok) onDone();
  };
  return (
    <div
      className="import-key"
      role="group"
      aria-label="Import into key store"
      onKeyDown={(e) => {
        if (e.key === 'Enter' && (e.target as HTMLElement).tagName === 'INPUT') {
          e.preventDefault();
          if (pfx.trim()) void submit();
        }
      }}
    >
      <Field label="PFX to import">
        <PathInput browse="pfx" value={pfx} onChange={(v) => setPfx(v)} placeholder="/home/admin/keys/bundle-signer.pfx" />
      </Field>
      <Field label="Its password" hint="used once to read the key; not stored">
        <PasswordInput value={password} onChange={(v) => setPassword(v)} />
      </Field>
      <Field label="Label" hint="optional; the certificate's CN otherwise">
        <input className="path-input" value={label} onChange={(e) => setLabel(e.target.value)} />
      </Field>
      {weak && (
        <label className="check small">
          <input type="checkbox" checked={acceptWeak} onChange={(e) => setAcceptWeak(e.target.checked)} />
          Accept basic_text: no secret service runs, so the key would only be obfuscated
        </label>
      )}
      <div className="ops-actions">
        <button type="button" onClick={onDone}>
          Cancel
        </button>
        <button type="button" disabled={op.status === 'running' || !pfx.trim()} onClick={() => void submit()}>
          Import
        </button>
      </div>
      {op.status === 'failed' && (
        <Outcome kind="error" title="Not imported" testId="import-key-outcome">
          {op.error}
        </Outcome>
      )}
    </div>
  );
}

function VerifyPanel() {
  const { gen } = useStores();
  const path = useGen((s) => s.verifyPath);
  const fingerprint = useGen((s) => s.fingerprint);
  const op = useGen((s) => s.verify);
  const trusted = useGen((s) => s.trusted);
  const trustError = useGen((s) => s.trustError);
  useEffect(() => {
    if (trusted === null) void gen.getState().loadTrust();
  }, [gen, trusted]);
  const r = op.result;
  const signer = r?.signer;
  const pinned = !!signer && (trusted ?? []).some((t) => t.fingerprint === signer.fingerprint);
  return (
    <form
      className="panel ops-panel"
      aria-label="Verify a bundle"
      onSubmit={(e) => {
        e.preventDefault();
        void gen.getState().verifyBundle();
      }}
    >
      <h2>Verify a bundle</h2>
      <Field label="Bundle path" hint="folder, .tar or .zip">
        <PathInput browse="bundle" value={path} onChange={(v) => gen.getState().set({ verifyPath: v })} />
      </Field>
      <Field
        label="Signer fingerprint for this check"
        hint={`optional: pinned signers (${trusted?.length ?? '…'}) are trusted without it; a typed one only for this check`}
      >
        <PathInput
          value={fingerprint}
          placeholder="SHA-256 of the signer key, confirmed with the sender"
          onChange={(v) => gen.getState().set({ fingerprint: v })}
        />
      </Field>
      <div className="ops-actions">
        <button type="submit" className="primary" disabled={op.status === 'running' || !path.trim()}>
          Verify
        </button>
      </div>
      <OpProgress op={op} label="verify" onCancel={() => void gen.getState().cancel('verify')} />
      {op.status === 'done' && r?.ok && (
        <Outcome kind="ok" title="Verified: signature and every file match" testId="verify-outcome">
          <dl className="kv">
            <dt>Signer</dt>
            <dd>
              {signer?.subject ?? '—'}{' '}
              <span className="muted">{pinned ? '· pinned' : '· trusted for this check only'}</span>
            </dd>
            <dt>Checked</dt>
            <dd className="num">
              {r.filesChecked} files · {formatBytes(r.bytesChecked)}
            </dd>
            {r.bundleId && (
              <>
                <dt>Bundle</dt>
                <dd className="mono">
                  {r.bundleId.slice(0, 12)} · {r.createdAt?.replace('T', ' ').slice(0, 16)} UTC
                </dd>
                <dt>Lint when built</dt>
                <dd data-testid="verify-lint" className={r.lint?.override ? 'error-text' : ''}>
                  {describeLint(r.lint)}
                </dd>
              </>
            )}
          </dl>
        </Outcome>
      )}
      {op.status === 'done' && r && !r.ok && (
        <Outcome
          kind="error"
          title={`Rejected: ${r.problems.length} problem${r.problems.length === 1 ? '' : 's'}`}
          testId="verify-outcome"
        >
          <ul className="problems-compact">
            {r.problems.slice(0, 8).map((p, i) => (
              <li key={i}>
                <span className="code-tag">{p.code}</span> <span className="reject-msg">{p.message}</span>
                <div className="fix">Fix: {p.fix}</div>
              </li>
            ))}
            {r.problems.length > 8 && <li className="muted">…and {r.problems.length - 8} more</li>}
          </ul>
        </Outcome>
      )}
      {op.status === 'done' &&
        signer &&
        !pinned &&
        (r?.ok || r?.problems.every((p) => p.code === 'signer-untrusted')) && (
          <PinSigner fingerprint={signer.fingerprint} subject={signer.subject} />
        )}
      {(op.status === 'failed' || op.status === 'cancelled') && (
        <Outcome
          kind="error"
          title={op.status === 'cancelled' ? 'Verification cancelled' : 'Verification failed'}
          testId="verify-outcome"
        >
          {op.error}
        </Outcome>
      )}
      <TrustedSigners />
      {trustError && <p className="error-text small">{trustError}</p>}
    </form>
  );
}

/**
 * Pinning is the one trust decision the far side makes, so it takes a second, deliberate step: the admin compares
 * the fingerprint with what the sender read out and ticks that they did, then pins.
 */
function PinSigner({ fingerprint, subject }: { fingerprint: string; subject?: string | undefined }) {
  const { gen } = useStores();
  const [confirmed, setConfirmed] = useState(false);
  return (
    <div className="pin-signer" data-testid="pin-signer">
      <p className="small">
        Signer <strong>{subject ?? 'without a subject'}</strong> is not pinned. Fingerprint:
      </p>
      <p className="mono small fp sel">{formatFingerprint(fingerprint)}</p>
      <label className="check small">
        <input type="checkbox" checked={confirmed} onChange={(e) => setConfirmed(e.target.checked)} />I
        compared this fingerprint with the sender&apos;s, by a separate channel
      </label>
      <div className="ops-actions">
        <button
          type="button"
          disabled={!confirmed}
          onClick={() => void gen.getState().pinSigner(fingerprint, subject)}
        >
          Pin this signer
        </button>
      </div>
    </div>
  );
}

function TrustedSigners() {
  const { gen } = useStores();
  const trusted = useGen((s) => s.trusted);
  if (!trusted || trusted.length === 0)
    return <p className="muted small">No pinned signers: each check needs the fingerprint typed above.</p>;
  return (
    <details className="trusted-signers">
      <summary className="small">
        {trusted.length} pinned signer{trusted.length === 1 ? '' : 's'} (shared with{' '}
        <code>junction bundle verify</code>)
      </summary>
      <ul>
        {trusted.map((t) => (
          <li key={t.fingerprint} data-testid="trusted-signer">
            <span>{t.subject ?? '(no subject)'}</span>
            <span className="mono small muted">{formatFingerprint(t.fingerprint).slice(0, 23)}…</span>
            <span className="muted small">{t.pinnedAt.slice(0, 10)}</span>
            <button
              type="button"
              className="link small"
              onClick={() => void gen.getState().unpinSigner(t.fingerprint)}
            >
              Unpin
            </button>
          </li>
        ))}
      </ul>
    </details>
  );
}

function WritePanel() {
  const { gen } = useStores();
  const source = useGen((s) => s.writeSource);
  const target = useGen((s) => s.writeTarget);
  const drives = useGen((s) => s.drives);
  const op = useGen((s) => s.write);
  const r = op.result;
  useEffect(() => {
    if (!gen.getState().drives) void gen.getState().loadDrives();
  }, [gen]);
  return (
    <form
      className="panel ops-panel"
      aria-label="Write to media"
      onSubmit={(e) => {
        e.preventDefault();
        void gen.getState().writeBundle();
      }}
    >
      <h2>Write to media</h2>
      <Field label="Bundle folder">
        <PathInput browse="bundle" value={source} onChange={(v) => gen.getState().set({ writeSource: v })} />
      </Field>
      <Field
        label="Target"
        hint={
          drives?.error ??
          (drives && drives.drives.length === 0 ? 'no removable drive is mounted; type a folder' : undefined)
        }
        after={
          <button
            type="button"
            onClick={() => void gen.getState().loadDrives()}
            title="List removable drives again"
          >
            Refresh drives
          </button>
        }
      >
        <PathInput
          browse="folder"
          value={target}
          onChange={(v) => gen.getState().set({ writeTarget: v })}
          placeholder="/media/admin/USB"
        />
      </Field>
      {drives && drives.drives.length > 0 && (
        <div className="drive-list">
          {drives.drives.map((d) => (
            <button
              type="button"
              key={d.mountpoint}
              className="drive"
              onClick={() => gen.getState().set({ writeTarget: d.mountpoint })}
            >
              <span>{d.label ?? d.device}</span>
              <span className="muted mono">{d.mountpoint}</span>
              <span className="muted">
                {[d.fstype, d.size ? formatBytes(d.size) : ''].filter(Boolean).join(' · ')}
              </span>
            </button>
          ))}
        </div>
      )}
      <div className="ops-actions">
        <button
          type="submit"
          className="primary"
          disabled={op.status === 'running' || !source.trim() || !target.trim()}
        >
          Write and verify
        </button>
      </div>
      <OpProgress op={op} label="write" onCancel={() => void gen.getState().cancel('write')} />
      {op.status === 'done' && r && (
        <Outcome
          kind={r.readBack.ok ? 'ok' : 'error'}
          title={r.readBack.ok ? 'Written and read back' : 'Written, but the read-back did not verify'}
          testId="write-outcome"
        >
          <dl className="kv">
            <dt>On media</dt>
            <dd className="mono sel">{r.final}</dd>
            <dt>Copied</dt>
            <dd className="num">
              {r.alreadyPresent ? 'already present' : formatBytes(r.copiedBytes)}
              {r.resumedFiles ? ` · ${r.resumedFiles} files resumed` : ''}
            </dd>
            {r.readBack.ok && (
              <>
                {/* Say exactly what the read-back proves, as `junction bundle write` does: the copy is the
                    source, byte for byte. Who signed it is a separate question, answered by the pin. */}
                <dt>Read back</dt>
                <dd data-testid="write-readback">
                  {r.readBack.filesChecked} files ({formatBytes(r.readBack.bytesChecked)}) match the source's
                  SHA256SUMS, signed by the key the bundle carries
                </dd>
                <dt>Signer</dt>
                <dd data-testid="write-signer" data-pinned={r.signer.pinned ? 'yes' : 'no'}>
                  <span className="mono sel">{formatFingerprint(r.signer.fingerprint)}</span>{' '}
                  {r.signer.pinned
                    ? 'is pinned here'
                    : 'is NOT pinned here: this checks the copy, not who signed it; the far side verifies the bundle with the fingerprint the sender gives them by another channel'}
                </dd>
              </>
            )}
            {r.movedAside && (
              <>
                <dt>Previous</dt>
                <dd className="mono">{r.movedAside}</dd>
              </>
            )}
          </dl>
          {!r.readBack.ok && r.readBack.problems[0] && (
            <div className="reject-msg">{r.readBack.problems[0].message}</div>
          )}
        </Outcome>
      )}
      {(op.status === 'failed' || op.status === 'cancelled') && (
        <Outcome
          kind="error"
          title={op.status === 'cancelled' ? 'Write cancelled — rerun to resume' : 'Write failed'}
          testId="write-outcome"
        >
          {op.error}
        </Outcome>
      )}
    </form>
  );
}
