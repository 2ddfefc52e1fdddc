// Health: live probes of what the workspace depends on (license link, CycleCloud's ports and outbound endpoints),
// far-side reports carried back on the media, the latest result per target with its history, link levels that
// colour the topology, and "why can't A reach B" answered offline from the model.
import { useMemo, useState, type FormEvent } from 'react';
import type {
  CertSummary,
  HealthSource,
  HealthSummary,
  RowStatus,
  TargetRow,
} from '../../shared/api/health-api';
import { ageOf, filterRows, type HealthFilters } from '../stores/health';
import { Outcome, PathInput, ProgressBar } from './ops';
import { useHealth, useStores, useWs } from './context';
import { Sparkline } from './health/Sparkline';
import { ReachPanel } from './health/ReachPanel';
import { useHealthSync } from './health/useHealthSync';
import { LinksPanel, takenFromText } from './health/attribution';

const STATUS_ICON: Record<RowStatus, string> = { ok: '✓', warning: '!', fail: '✕', unknown: '–' };
const STATUS_LABEL: Record<RowStatus, string> = {
  ok: 'OK',
  warning: 'Warning',
  fail: 'Failing',
  unknown: 'Not probed',
};
const SOURCE_LABEL: Record<HealthSource, string> = {
  local: 'This machine',
  'far-side': 'Far side',
  azure: 'Azure',
};

/** Selectors return the store's own references (a fresh [] per call would re-render forever); defaults go after. */
const NO_WARNINGS: HealthSummary['certWarnings'] = [];

const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
const when = (at: string) => `${at.slice(0, 16).replace('T', ' ')} UTC`;

function certNote(c: CertSummary): { text: string; tone: 'warn' | 'down' } | undefined {
  if (c.expiry === 'expired') return { text: `certificate expired ${c.validTo.slice(0, 10)}`, tone: 'down' };
  if (c.expiry === 'within-7-days')
    return { text: `certificate expires in ${plural(c.daysLeft, 'day')} (under 7)`, tone: 'down' };
  if (c.expiry === 'within-30-days')
    return { text: `certificate expires in ${plural(c.daysLeft, 'day')} (under 30)`, tone: 'warn' };
  return undefined;
}

function fmtMs(ms: number | undefined): string {
  if (ms === undefined) return '—';
  return ms < 10
    ? `${ms.toFixed(1)} ms`
    : ms < 10_000
      ? `${Math.round(ms)} ms`
      : `${(ms / 1000).toFixed(1)} s`;
}

export function HealthScreen() {
  useHealthSync();
  const { health } = useStores();
  const status = useWs((s) => s.status);
  const summary = useHealth((s) => s.summary);
  const runOp = useHealth((s) => s.runOp);
  const importOp = useHealth((s) => s.importOp);
  const historyOp = useHealth((s) => s.historyOp);
  const setsError = useHealth((s) => s.setsError);

  if (status === 'empty')
    return (
      <section className="screen empty-state">
        <h1>Health</h1>
        <p className="muted">Open a workspace to probe what it depends on and ask why A cannot reach B.</p>
      </section>
    );

  const running = runOp.status === 'running';
  const latest = summary?.latest ?? {};
  const result = runOp.result;

  return (
    <section className="screen health-screen" aria-label="Health">
      <header className="screen-head">
        <h1>Health</h1>
        <span className="muted small ellipsis" data-testid="health-latest">
          {latest.local || latest['far-side'] || latest.azure
            ? (['local', 'far-side', 'azure'] as const)
                .filter((s) => latest[s])
                .map((s) => `${SOURCE_LABEL[s]}: ${when(latest[s]!)} (${ageOf(latest[s])})`)
                .join(' · ')
            : 'no results yet'}
        </span>
        <span className="spacer" />
        {running ? (
          <button onClick={() => void health.getState().cancel()} data-testid="health-cancel">
            Cancel
          </button>
        ) : null}
        <button
          className="primary"
          onClick={() => void health.getState().run()}
          disabled={running}
          data-testid="health-run"
          title="Run the chosen probe sets from this machine"
        >
          Run probes
        </button>
      </header>

      <div className="health-body">
        <div className="health-main">
          {summary && !summary.persisted && (
            <div className="health-note" role="status" data-testid="session-only">
              <b>Session only.</b> This document has no file yet, so results are kept in memory until Junction
              closes. Save the workspace to keep a history beside it (<code>&lt;name&gt;.health.jsonl</code>)
              and to import far-side reports.
            </div>
          )}
          {summary && summary.skipped > 0 && (
            <div className="health-note" role="status">
              {plural(summary.skipped, 'unreadable line')} of the history skipped (a torn last write).
            </div>
          )}
          {setsError && (
            <Outcome kind="error" title="Cannot derive the probes" testId="sets-error">
              {setsError}
            </Outcome>
          )}
          {running && <RunProgress />}
          {runOp.status === 'done' && result && (
            <Outcome
              kind={result.counts.fail ? 'error' : result.counts.warning ? 'warn' : 'ok'}
              title={`Ran ${plural(result.ran, 'probe')}: ${result.counts.ok} ok, ${result.counts.warning} warning, ${result.counts.fail} failing`}
              testId="run-outcome"
            />
          )}
          {runOp.status === 'cancelled' && (
            <Outcome kind="warn" title="Cancelled" testId="run-outcome">
              Probes that finished before the cancel are kept; the rest were not sent.
            </Outcome>
          )}
          {runOp.status === 'failed' && (
            <Outcome kind="error" title="Could not run the probes" testId="run-outcome">
              {runOp.error}
            </Outcome>
          )}
          {importOp.status === 'failed' && (
            <Outcome kind="error" title="Could not import the report" testId="import-outcome">
              {importOp.error}
            </Outcome>
          )}
          {importOp.status === 'done' && importOp.result && (
            <Outcome
              kind={importOp.result.warnings.length ? 'warn' : 'ok'}
              title={`Imported ${plural(importOp.result.reports, 'far-side report')}: ${plural(importOp.result.added, 'new result')}`}
              testId="import-outcome"
            >
              {importOp.result.warnings.length > 0 && (
                <ul className="small">
                  {importOp.result.warnings.map((w) => (
                    <li key={w}>{w}</li>
                  ))}
                </ul>
              )}
            </Outcome>
          )}
          {historyOp.status === 'failed' && (
            <Outcome kind="error" title="Could not read the history" testId="history-error">
              {historyOp.error}
            </Outcome>
          )}
          <CertWarnings />
          <Results />
          <ReachPanel />
        </div>
        <aside className="health-side" aria-label="Probe sets, links and far-side reports">
          <SetsPanel />
          <LinksPanel />
          <AzureStatusPanel />
          <ImportPanel />
        </aside>
      </div>
    </section>
  );
}

function RunProgress() {
  const { health } = useStores();
  const op = useHealth((s) => s.runOp);
  const p = op.progress;
  const total = p?.filesTotal ?? 0;
  const done = p?.filesDone ?? 0;
  const pct = total > 0 ? Math.round((done / total) * 100) : undefined;
  return (
    <ProgressBar label="Probes" testId="health-progress" pct={pct}>
      <span className="op-phase">{p ? `${p.phase}…` : 'starting…'}</span>
      <span className="num" data-testid="health-progress-count">
        {p ? `${done} / ${total} probes` : ''}
      </span>
      <span className="spacer" />
      <button type="button" onClick={() => void health.getState().cancel()}>
        Cancel
      </button>
    </ProgressBar>
  );
}

function CertWarnings() {
  const warnings = useHealth((s) => s.summary?.certWarnings) ?? NO_WARNINGS;
  if (warnings.length === 0) return null;
  return (
    <div className="health-certs" role="status" data-testid="cert-warnings">
      {warnings.map((w) => {
        const n = certNote(w.cert);
        return (
          <div key={w.key} className={`cert-warn ${n?.tone ?? 'warn'}`}>
            <span className="cert-warn-icon" aria-hidden="true">
              !
            </span>
            <span>
              <span className="mono">{w.target}</span>: {n?.text ?? w.cert.expiry} —{' '}
              <span className="muted">{w.cert.subject}</span>
            </span>
          </div>
        );
      })}
    </div>
  );
}

function Results() {
  const { health } = useStores();
  const summary = useHealth((s) => s.summary);
  const filters = useHealth((s) => s.filters);
  const selectedLink = useHealth((s) => s.selectedLink);
  const sets = useHealth((s) => s.sets);
  const links = summary?.links ?? [];
  const link = links.find((l) => l.id === selectedLink);
  const rows = useMemo(() => {
    const all = summary?.rows ?? [];
    const f = filterRows(all, filters);
    return link ? f.filter((r) => r.link === link.id) : f;
  }, [summary, filters, link]);
  const total = summary?.rows.length ?? 0;
  const setNames = [
    ...new Set([
      ...(sets?.map((s) => s.name) ?? []),
      ...(summary?.rows.map((r) => r.set).filter((x): x is string => !!x) ?? []),
    ]),
  ];
  const f = (patch: Partial<HealthFilters>) => health.getState().setFilters(patch);
  const filtered =
    filters.source !== 'all' ||
    filters.status !== 'all' ||
    filters.set !== 'all' ||
    !!filters.text.trim() ||
    !!link;

  return (
    <div className="panel health-results">
      <div className="health-filters" role="search" aria-label="Filter results">
        <label className="field">
          <span className="field-label">Source</span>
          <select
            value={filters.source}
            onChange={(e) => f({ source: e.target.value as HealthFilters['source'] })}
            aria-label="Filter by source"
          >
            <option value="all">All sources</option>
            <option value="local">This machine</option>
            <option value="far-side">Far side</option>
            <option value="azure">Azure</option>
            <option value="none">Not probed yet</option>
          </select>
        </label>
        <label className="field">
          <span className="field-label">Status</span>
          <select
            value={filters.status}
            onChange={(e) => f({ status: e.target.value as HealthFilters['status'] })}
            aria-label="Filter by status"
          >
            <option value="all">Any status</option>
            <option value="problems">Warning or failing</option>
            <option value="ok">OK</option>
            <option value="warning">Warning</option>
            <option value="fail">Failing</option>
            <option value="unknown">Not probed</option>
          </select>
        </label>
        <label className="field">
          <span className="field-label">Set</span>
          <select value={filters.set} onChange={(e) => f({ set: e.target.value })} aria-label="Filter by set">
            <option value="all">All sets</option>
            {setNames.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <label className="field health-text-filter">
          <span className="field-label">Search</span>
          <input
            value={filters.text}
            onChange={(e) => f({ text: e.target.value })}
            placeholder="target, host, message…"
            spellCheck={false}
            aria-label="Search results"
          />
        </label>
        <span className="spacer" />
        <span className="muted small num" data-testid="row-count">
          {filtered ? `${rows.length} of ${total}` : plural(total, 'target')}
        </span>
        {filtered && (
          <button
            type="button"
            onClick={() => {
              health.getState().resetFilters();
              health.getState().selectLink(null);
            }}
          >
            Clear
          </button>
        )}
      </div>
      {link && (
        <div className="health-link-filter small">
          Showing the probes of <b>{link.label}</b>{' '}
          <button type="button" className="link" onClick={() => health.getState().selectLink(null)}>
            show all
          </button>
        </div>
      )}
      <div className="health-table-wrap">
        <table className="health-table" aria-label="Probe results">
          <thead>
            <tr>
              <th scope="col" aria-label="Status" />
              <th scope="col">Kind</th>
              <th scope="col">Target · run from</th>
              <th scope="col">Source · age</th>
              <th scope="col" className="num">
                Latency
              </th>
              <th scope="col">Result</th>
              <th scope="col">History</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <Row key={r.key} r={r} />
            ))}
          </tbody>
        </table>
        {rows.length === 0 && (
          <div className="health-empty muted small">
            {total === 0
              ? 'This workspace models no CycleCloud or license link: there is nothing to probe.'
              : 'No result matches the filters.'}
          </div>
        )}
      </div>
    </div>
  );
}

function Row({ r }: { r: TargetRow }) {
  const cert = r.cert ? certNote(r.cert) : undefined;
  return (
    <tr
      className={`hrow ${r.status}`}
      data-key={r.key}
      data-status={r.status}
      data-source={r.source ?? 'none'}
    >
      <td>
        <span
          className={`st-badge ${r.status}`}
          title={STATUS_LABEL[r.status]}
          aria-label={STATUS_LABEL[r.status]}
        >
          {STATUS_ICON[r.status]}
        </span>
      </td>
      <td>
        <span className="badge">{r.kind}</span>
      </td>
      <td className="target">
        <span className="mono target-line" title={r.targetHost ? `${r.target} (${r.targetHost})` : r.target}>
          {r.target}
          {r.targetHost && <span className="muted"> · {r.targetHost}</span>}
        </span>
        <span className={`sub small ${r.decides === false ? 'not-deciding' : 'muted'}`} data-testid="taken-from">
          {takenFromText(r)}
        </span>
      </td>
      <td className="small src">
        {r.source ? SOURCE_LABEL[r.source] : <span className="muted">—</span>}
        <span className="sub muted" title={r.at ? when(r.at) : undefined}>
          {ageOf(r.at)}
        </span>
      </td>
      <td className="num small">{fmtMs(r.ms)}</td>
      <td className="msg small">
        <span title={r.message}>{r.message}</span>
        {cert && (
          <span className={`cert-chip ${cert.tone}`} data-testid="cert-chip">
            {cert.text}
          </span>
        )}
        {r.errorCode && <span className="muted"> ({r.errorCode})</span>}
      </td>
      <td>
        <Sparkline points={r.series} label={`History of ${r.target}`} />
      </td>
    </tr>
  );
}

function SetsPanel() {
  const { health } = useStores();
  const sets = useHealth((s) => s.sets);
  const chosen = useHealth((s) => s.chosenSets);
  const caFile = useHealth((s) => s.caFile);
  const running = useHealth((s) => s.runOp.status === 'running');
  return (
    <div className="panel health-sets" aria-label="Probe sets">
      <h2>Probe sets</h2>
      <p className="muted small">
        Derived from the workspace; probes only go to the targets it names. Each says where it means something
        — run the rest on the far side with the bundle's collect-health script.
      </p>
      {!sets ? (
        <p className="muted small">Loading…</p>
      ) : sets.length === 0 ? (
        <p className="muted small">No CycleCloud or license link in this workspace.</p>
      ) : (
        sets.map((s) => (
          <label key={s.name} className="check" title={s.description}>
            <input
              type="checkbox"
              checked={chosen ? chosen.includes(s.name) : true}
              disabled={running}
              onChange={() => health.getState().toggleSet(s.name)}
              aria-label={`Set ${s.name}`}
            />
            <span className="check-label">
              <b>{s.name}</b> <span className="muted">· {plural(s.probes.length, 'probe')}</span>
              <span className="set-desc muted">{s.description}</span>
            </span>
          </label>
        ))
      )}
      <label className="field">
        <span className="field-label">Extra trusted CA (PEM file, optional)</span>
        <PathInput
          browse="pem"
          value={caFile}
          onChange={(v) => health.getState().setCaFile(v)}
          placeholder="/etc/ssl/proxy-ca.pem"
          aria-label="Extra trusted CA"
        />
      </label>
    </div>
  );
}

const VERDICT_CLASS: Record<string, string> = {
  ok: 'ok',
  degraded: 'warn',
  down: 'fail',
  unknown: 'muted',
  missing: 'fail',
};

function AzureStatusPanel() {
  const { health } = useStores();
  const op = useHealth((s) => s.azureOp);
  const saved = useHealth((s) => s.workspace !== null);
  const r = op.status === 'done' ? op.result : undefined;
  return (
    <div className="panel health-azure" aria-label="Azure VPN status" data-testid="azure-status">
      <h2>Azure VPN status</h2>
      <p className="muted small">
        Reads each modelled VPN connection and its BGP peers from Azure with the Apply screen&apos;s connection and
        sign-in, and says whether it matches the model.
        {saved ? ' The result joins the history and colours the topology.' : ' Save the workspace to keep it in the history.'}
      </p>
      <div className="ops-actions">
        <button type="button" disabled={op.status === 'running'} onClick={() => void health.getState().checkAzure()}>
          {op.status === 'running' ? 'Checking…' : 'Check Azure VPN status'}
        </button>
      </div>
      {op.status === 'failed' && <p className="error small">{op.error}</p>}
      {r && (
        <>
          <p className="small">
            {r.online ? `Read at ${r.at}` : `Offline (${r.detail ?? 'ARM unreachable'}): nothing could be read`}
          </p>
          <ul className="azure-connections">
            {r.connections.map((c) => (
              <li key={c.armId}>
                <span className={`badge ${VERDICT_CLASS[c.verdict] ?? 'muted'}`}>{c.verdict}</span>{' '}
                <strong>{c.name}</strong>
                <div className="muted small">{c.reason}</div>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

function ImportPanel() {
  const { health } = useStores();
  const path = useHealth((s) => s.importPath);
  const busy = useHealth((s) => s.importOp.status === 'running');
  const [value, setValue] = useState(path);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void health.getState().importReport(value);
  };
  return (
    <form className="panel health-import" aria-label="Import far-side report" onSubmit={submit}>
      <h2>Far-side report</h2>
      <p className="muted small">
        On a locked-down host, <code>collect-health.sh</code> / <code>.ps1</code> from the bundle runs the
        same probes and writes a report to <code>receipt/health/</code> on the media. Give the bundle folder
        or one report file.
      </p>
      <PathInput
        browse="bundle"
        value={value}
        onChange={(v) => setValue(v)}
        placeholder="/media/usb/bundle or …/receipt/health/host-time.json"
        aria-label="Report path"
      />
      <div className="ops-actions">
        <button type="submit" disabled={busy || !value.trim()}>
          Import far-side report
        </button>
      </div>
    </form>
  );
}
