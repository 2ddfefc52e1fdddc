import { useEffect, useState, type FormEvent } from 'react';
import type { CertAudit, CertCheck, CertPurposeId } from '../../shared/api/contract';
import type { Workspace } from '../../shared/model/schema';
import { Field, Outcome, PasswordInput, PathInput } from './ops';
import { useCerts, useGen, useStores, useWs } from './context';
import { keyStoreUsable } from '../stores/generate';
import { ProfileField } from './certs/ProfileField';
import { RecordThumbprint } from './certs/RecordThumbprint';

const STATUS_ICON: Record<CertCheck['status'], string> = { pass: '✓', fail: '✕', warn: '!', info: 'i' };

export function CertificatesScreen() {
  const { certs } = useStores();
  useEffect(() => void certs.getState().loadOptions(), [certs]);
  return (
    <section className="screen certs-screen" aria-label="Certificates">
      <header className="screen-head">
        <h1>Certificates</h1>
        <span className="muted">
          Create Remote Console, HPC management and RD Gateway certificates; audit any .cer, .pem or .pfx
          against the seeds.
        </span>
      </header>
      <div className="certs-body">
        <div className="certs-col">
          <CreatePanel />
          <WorkspaceCerts />
        </div>
        <div className="certs-col">
          <InspectPanel />
        </div>
      </div>
    </section>
  );
}

/**
 * Whether this front door can keep a new private key in the OS key store (the desktop app), from the key list the
 * Generate screen signs with; loaded here too, and refreshed after a key was kept.
 */
function useKeyStore() {
  const { gen } = useStores();
  const keyStore = useGen((s) => s.keyStore);
  useEffect(() => {
    if (!gen.getState().keyStore) void gen.getState().loadKeys();
  }, [gen]);
  return {
    keyStore,
    canKeep: !!keyStore && keyStoreUsable(keyStore),
    weak: keyStore?.vault.protection === 'weak' && !keyStore.vault.weakAccepted,
    reload: () => void gen.getState().loadKeys(),
  };
}

function CreatePanel() {
  const { certs } = useStores();
  const options = useCerts((s) => s.options);
  const form = useCerts((s) => s.form);
  const op = useCerts((s) => s.create);
  const [password, setPassword] = useState('');
  const { canKeep, weak, reload } = useKeyStore();
  const purpose = options?.purposes.find((p) => p.id === form.purpose);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const pw = password;
    setPassword('');
    if (!canKeep && form.keepKey) certs.getState().setForm({ keepKey: false });
    void certs
      .getState()
      .createCert(pw)
      .then((r) => r?.storedKey && reload());
  };
  const r = op.result;
  return (
    <form className="panel ops-panel" aria-label="Create a certificate" onSubmit={submit}>
      <h2>Create a certificate</h2>
      <div className="form-grid">
        <Field label="Purpose" hint={purpose?.explain}>
          <select
            value={form.purpose}
            onChange={(e) => {
              const p = options?.purposes.find((x) => x.id === e.target.value);
              certs
                .getState()
                .setForm({ purpose: e.target.value as CertPurposeId, ...(p ? { days: p.defaultDays } : {}) });
            }}
          >
            {options?.purposes.map((p) => (
              <option key={p.id} value={p.id}>
                {p.label}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Subject">
          <input
            className="path-input"
            value={form.subject}
            onChange={(e) => certs.getState().setForm({ subject: e.target.value })}
            spellCheck={false}
          />
        </Field>
        <Field label="Subject alternative names" hint="DNS names or IPs, comma-separated">
          <input
            className="path-input"
            value={form.sans}
            placeholder={form.purpose === 'rd-gateway-tls' ? 'rdconnect.contoso.com' : '(none)'}
            onChange={(e) => certs.getState().setForm({ sans: e.target.value })}
            spellCheck={false}
          />
        </Field>
        <div className="field-row">
          <Field label="Validity (days)">
            <input
              className="path-input num"
              type="number"
              min={1}
              max={36500}
              value={form.days}
              onChange={(e) => certs.getState().setForm({ days: Number(e.target.value) })}
            />
          </Field>
          <Field label="RSA key size">
            <select
              value={form.keySize}
              onChange={(e) =>
                certs.getState().setForm({ keySize: Number(e.target.value) as 2048 | 3072 | 4096 })
              }
            >
              <option value={2048}>2048</option>
              <option value={3072}>3072</option>
              <option value={4096}>4096</option>
            </select>
          </Field>
        </div>
        <ProfileField />
        <div className="field-row">
          <Field label="Output folder">
            <PathInput
              browse="folder"
              value={form.outDir}
              onChange={(v) => certs.getState().setForm({ outDir: v })}
              placeholder="/home/admin/certs"
            />
          </Field>
          <Field label="File name" hint=".cer, .pem and .pfx">
            <PathInput
              value={form.name}
              onChange={(v) => certs.getState().setForm({ name: v })}
              placeholder="from the CN"
            />
          </Field>
        </div>
        <Field label="PFX password" hint="protects the only file holding the private key; never stored">
          <PasswordInput autoComplete="new-password" value={password} onChange={(v) => setPassword(v)} />
        </Field>
        {canKeep && (
          <div className="keep-key">
            <label className="check">
              <input
                type="checkbox"
                checked={form.keepKey}
                onChange={(e) => certs.getState().setForm({ keepKey: e.target.checked })}
              />
              Keep the private key in this computer&apos;s key store
            </label>
            <div className="field-hint">
              sealed by the OS; signs bundles on the Generate screen without the .pfx password
            </div>
            {form.keepKey && weak && (
              <label className="check small">
                <input
                  type="checkbox"
                  checked={form.acceptWeakStorage}
                  onChange={(e) => certs.getState().setForm({ acceptWeakStorage: e.target.checked })}
                />
                Accept basic_text: no secret service runs, so the key would only be obfuscated
              </label>
            )}
          </div>
        )}
      </div>
      <div className="ops-actions">
        <button
          type="submit"
          className="primary"
          disabled={op.status === 'running' || !form.outDir.trim() || !password}
        >
          {op.status === 'running' ? 'Creating…' : 'Create certificate'}
        </button>
      </div>
      {op.status === 'running' && (
        <div className="op-progress">
          <div className="bar indeterminate" role="progressbar" aria-label="create">
            <div className="fill" style={{ width: '30%' }} />
          </div>
        </div>
      )}
      {op.status === 'done' && r && (
        <Outcome kind={r.audit.ok ? 'ok' : 'warn'} title={`Created ${r.subject}`} testId="create-outcome">
          <dl className="kv">
            <dt>Thumbprint</dt>
            <dd className="mono sel">{r.thumbprint}</dd>
            <dt>.pfx</dt>
            <dd className="mono sel">{r.files.pfx}</dd>
            <dt>.cer</dt>
            <dd className="mono sel">{r.files.cer}</dd>
            <dt>Profile</dt>
            <dd>
              {r.profile} <span className="muted">({r.profileReason})</span>
            </dd>
            {r.recordAt &&
              (r.recordPath ? (
                <RecordThumbprint path={r.recordPath} at={r.recordAt} thumbprint={r.thumbprint} />
              ) : (
                <>
                  <dt>Record at</dt>
                  <dd className="mono">{r.recordAt}</dd>
                </>
              ))}
            {r.storedKey && (
              <>
                <dt>Key store</dt>
                <dd data-testid="kept-key">
                  kept as “{r.storedKey.label}” <span className="muted">({r.storedKey.backend})</span>
                </dd>
              </>
            )}
          </dl>
          {r.placements.length > 0 && (
            <ul className="placements">
              {r.placements.map((p, i) => (
                <li key={i} className="mono">
                  {p.file.split(/[\\/]/).pop()} → {p.host} · {p.store}
                </li>
              ))}
            </ul>
          )}
          <p className="muted small">
            {r.audit.checks.filter((c) => c.status === 'pass').length} of{' '}
            {r.audit.checks.filter((c) => c.status !== 'info').length} requirements pass; the .cer is loaded
            in Inspect.
          </p>
        </Outcome>
      )}
      {op.status === 'failed' && (
        <Outcome kind="error" title="Not created" testId="create-outcome">
          {op.error}
        </Outcome>
      )}
    </form>
  );
}

// A selector must return the same value for the same state: a fresh [] each call (no workspace yet) made React
// re-render without end ("getSnapshot should be cached") when the screen opened before the workspace had loaded.
const NO_CERTIFICATES: Workspace['certificates'] = [];
const NO_HOSTS: Workspace['hosts'] = [];

function WorkspaceCerts() {
  const { certs } = useStores();
  const list = useWs((s) => s.workspace?.certificates ?? NO_CERTIFICATES);
  const hosts = useWs((s) => s.workspace?.hosts ?? NO_HOSTS);
  const outDefault = useCerts((s) => s.form.outDir);
  const [open, setOpen] = useState<string | null>(null);
  const [outDir, setOutDir] = useState('');
  const [password, setPassword] = useState('');
  const [keep, setKeep] = useState(false);
  const { canKeep, reload } = useKeyStore();
  const hostName = (id: string) => hosts.find((h) => h.id === id)?.name ?? id;
  return (
    <div className="panel" aria-label="Workspace certificates">
      <h2>Certificates in the workspace</h2>
      {list.length === 0 && <p className="muted">The workspace declares no certificates.</p>}
      <ul className="cert-list">
        {list.map((c) => (
          <li key={c.id} className="cert-item" data-cert={c.id}>
            <div className="cert-head">
              <span className="mono strong">{c.id}</span>
              <span className="badge">{c.purpose}</span>
              <span className="muted ellipsis">{c.subject}</span>
              <span className="spacer" />
              <button
                type="button"
                disabled={c.issuer === 'trusted-ca'}
                title={
                  c.issuer === 'trusted-ca'
                    ? 'issued by an external CA: inspect what it sends instead'
                    : 'Create this certificate from its workspace entry'
                }
                onClick={() => {
                  setOpen(open === c.id ? null : c.id);
                  setOutDir(outDir || outDefault);
                }}
              >
                Create from entry…
              </button>
            </div>
            <div className="cert-meta muted small">
              {c.keyAlgorithm} {c.keySize} · {c.signatureHash} · until {c.notAfter.slice(0, 10)} · issuer{' '}
              {c.issuer}
              {c.thumbprint ? ` · ${c.thumbprint}` : ' · no thumbprint recorded'}
            </div>
            {c.placements.length > 0 && (
              <table className="placements-table">
                <tbody>
                  {c.placements.map((p, i) => (
                    <tr key={i}>
                      <td className="mono">{hostName(p.host)}</td>
                      <td className="mono">{p.store}</td>
                      <td>
                        <span className={`badge ${p.form}`}>.{p.form}</span>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            {open === c.id && (
              <form
                className="inline-create"
                onSubmit={(e) => {
                  e.preventDefault();
                  const pw = password;
                  setPassword('');
                  void certs
                    .getState()
                    .createFromWorkspace(c.id, outDir, pw, { keepKey: canKeep && keep })
                    .then((r) => {
                      if (r) setOpen(null);
                      if (r?.storedKey) reload();
                    });
                }}
              >
                <Field label="Output folder">
                  <PathInput browse="folder" value={outDir} onChange={(v) => setOutDir(v)} />
                </Field>
                <Field label="PFX password">
                  <PasswordInput
                    autoComplete="new-password"
                    value={password}
                    onChange={(v) => setPassword(v)}
                  />
                </Field>
                <button type="submit" className="primary" disabled={!outDir.trim() || !password}>
                  Create
                </button>
                {canKeep && (
                  <label className="check small">
                    <input type="checkbox" checked={keep} onChange={(e) => setKeep(e.target.checked)} />
                    Keep the private key in this computer&apos;s key store
                  </label>
                )}
              </form>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}

function InspectPanel() {
  const { certs } = useStores();
  const options = useCerts((s) => s.options);
  const path = useCerts((s) => s.inspectPath);
  const purpose = useCerts((s) => s.inspectPurpose);
  const op = useCerts((s) => s.inspect);
  const [password, setPassword] = useState('');
  return (
    <div className="panel ops-panel inspect-panel">
      <form
        aria-label="Inspect a certificate"
        onSubmit={(e) => {
          e.preventDefault();
          const pw = password;
          setPassword('');
          void certs.getState().inspectCert(pw || undefined);
        }}
      >
        <h2>Inspect a certificate</h2>
        <Field label="Certificate file" hint=".cer, .crt, .pem or .pfx">
          <PathInput browse="certificate" value={path} onChange={(v) => certs.getState().setInspect({ inspectPath: v })} />
        </Field>
        <div className="field-row">
          <Field label="Check as">
            <select
              value={purpose}
              onChange={(e) =>
                certs.getState().setInspect({ inspectPurpose: e.target.value as CertPurposeId | '' })
              }
            >
              <option value="">inferred from the EKUs</option>
              {options?.purposes.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.label}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Password (.pfx only)">
            <PasswordInput value={password} onChange={(v) => setPassword(v)} />
          </Field>
        </div>
        <div className="ops-actions">
          <button type="submit" className="primary" disabled={op.status === 'running' || !path.trim()}>
            Inspect
          </button>
        </div>
      </form>
      {op.status === 'failed' && (
        <Outcome kind="error" title="Cannot read the certificate" testId="inspect-outcome">
          {op.error}
        </Outcome>
      )}
      {op.status === 'done' && op.result && <AuditView a={op.result} />}
    </div>
  );
}

function AuditView({ a }: { a: CertAudit }) {
  const c = a.certificate;
  const fails = a.checks.filter((k) => k.status === 'fail').length;
  const counted = a.checks.filter((k) => k.status !== 'info').length;
  return (
    <div className="audit" data-testid="audit">
      <Outcome
        kind={fails ? 'error' : 'ok'}
        title={fails ? `${fails} of ${counted} requirements fail` : `All ${counted} requirements pass`}
        testId="inspect-outcome"
      >
        <span className="muted">
          {a.format.toUpperCase()} · checked as {a.purpose ?? 'a general certificate'}
          {a.purposeInferred ? ' (inferred from the EKUs)' : ''}
        </span>
      </Outcome>
      <dl className="kv audit-fields">
        <dt>Subject</dt>
        <dd>{c.subject}</dd>
        <dt>Issuer</dt>
        <dd>
          {c.issuer}
          {c.selfSigned ? <span className="muted"> (self-signed)</span> : null}
        </dd>
        <dt>Valid</dt>
        <dd className="num">
          {c.notBefore.slice(0, 16).replace('T', ' ')} → {c.notAfter.slice(0, 16).replace('T', ' ')} UTC
        </dd>
        <dt>Key</dt>
        <dd>
          {c.keyType} {c.keySize} bits
        </dd>
        <dt>Signature</dt>
        <dd>{c.signatureAlgorithm}</dd>
        <dt>Key usage</dt>
        <dd>{c.keyUsage ? c.keyUsage.join(', ') || '(empty)' : '(no extension)'}</dd>
        <dt>Enhanced key usage</dt>
        <dd>
          {c.extendedKeyUsage
            ? c.extendedKeyUsage.map((e) => e.label).join(', ') || '(empty)'
            : '(no extension)'}
        </dd>
        <dt>SANs</dt>
        <dd>{c.subjectAltNames.join(', ') || '(none)'}</dd>
        <dt>CA</dt>
        <dd>{c.isCa ? 'yes' : 'no'}</dd>
        <dt>Private key</dt>
        <dd>{a.hasPrivateKey ? 'yes' : 'no'}</dd>
        {a.pfx && (
          <>
            <dt>PFX</dt>
            <dd>
              {a.pfx.profile} · key {a.pfx.keyEncryption} · MAC {a.pfx.mac}
            </dd>
          </>
        )}
        <dt>Serial</dt>
        <dd className="mono sel">{c.serialNumber}</dd>
        <dt>Thumbprint</dt>
        <dd className="mono sel" data-testid="thumbprint">
          {c.thumbprint}
        </dd>
      </dl>
      <h3>Checklist</h3>
      <ul className="checklist" aria-label="Checklist">
        {a.checks.map((k) => (
          <li key={k.id} className={`check-item ${k.status}`} data-check={k.id} data-status={k.status}>
            <span className={`check-icon ${k.status}`} aria-label={k.status}>
              {STATUS_ICON[k.status]}
            </span>
            <div className="check-main">
              <div className="check-req">{k.requirement}</div>
              <div className="muted small">{k.detail}</div>
              {k.hint && k.status !== 'pass' && <div className={`check-hint ${k.status}`}>{k.hint}</div>}
            </div>
            <span className="check-src muted small">{k.source}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
