// Where a health result was taken, said in words. A probe meant for cc01 or azure-nodes that ran on this machine says
// what this machine sees, not what cc01 sees: such results are shown and labelled, but only the far-side report of
// the declared source (or Azure's own status) sets a link's level and the topology's colours.
import type { HealthLink, TargetRow } from '../../../shared/api/health-api';
import { ageOf } from '../../stores/health';
import { useHealth, useStores } from '../context';
import { Sparkline } from './Sparkline';

const LEVEL_LABEL: Record<HealthLink['level'], string> = {
  ok: 'OK',
  degraded: 'Degraded',
  down: 'Down',
  unknown: 'Unknown',
};
const NO_LINKS: HealthLink[] = [];

/** The second line of a result row: where it was taken and whether it counts. */
export function takenFromText(r: TargetRow): string {
  if (r.source === null) return r.runFrom ? `meant to run from ${r.runFrom}` : 'not probed yet';
  const where =
    r.source === 'local' ? 'from this machine' : `from ${r.takenFrom ?? r.reportedBy ?? r.source}`;
  if (r.decides !== false) return where;
  return `${where} · meant for ${r.runFrom ?? 'another host'}: does not set its status`;
}

/** What sets the link's level, and what this machine saw of the same probes (which does not). */
export function LinkAttribution({ l }: { l: HealthLink }) {
  return (
    <>
      <span className="link-meta small muted" data-testid="link-decided-by">
        {LEVEL_LABEL[l.level]}
        {l.decidedBy && l.at
          ? ` · ${l.decidedBy} · ${ageOf(l.at)}`
          : ` · set only by a far-side report from ${l.from}`}
      </span>
      {l.local && (
        <span className={`link-local small level-text ${l.local.level}`} data-testid="link-local">
          From this machine ({ageOf(l.local.at)}): {l.local.summary} — not this link&apos;s status
        </span>
      )}
    </>
  );
}

export function LinksPanel() {
  const { health } = useStores();
  const links = useHealth((s) => s.summary?.links) ?? NO_LINKS;
  const selected = useHealth((s) => s.selectedLink);
  return (
    <div className="panel health-links" aria-label="Links">
      <h2>Links</h2>
      <p className="muted small">
        A link&apos;s level comes from where its probes are meant to run (the far-side report) or from Azure;
        probes run on this machine are shown beside it.
      </p>
      {links.length === 0 && <p className="muted small">No links modelled.</p>}
      <ul className="link-list">
        {links.map((l) => (
          <li key={l.id}>
            <button
              type="button"
              className={`link-item ${selected === l.id ? 'on' : ''}`}
              aria-pressed={selected === l.id}
              onClick={() => health.getState().selectLink(selected === l.id ? null : l.id)}
              data-link={l.id}
              data-level={l.level}
              data-local-level={l.local?.level ?? 'none'}
              title="Show this link's probes in the table"
            >
              <span className={`level-dot ${l.level}`} aria-hidden="true" />
              <span className="link-main">
                <span className="link-label">{l.label}</span>
                <span className="link-summary small muted">{l.summary}</span>
                <LinkAttribution l={l} />
              </span>
              <Sparkline points={l.series} label={`History of ${l.label}`} width={64} />
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
