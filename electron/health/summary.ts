// The history as the Health screen and the topology read it: the latest result per probe and source, a
// level per link (ok / degraded / down / unknown) with its series for a sparkline, and the levels of the model
// objects and edges the links run over. Pure: the same records always give the same summary for a given `now`.
import { buildLookup, type Lookup } from '../../shared/model/lookup';
import type { Workspace } from '../../shared/model/schema';
import { hostOfAddress } from '../../shared/reach/resolve';
import type {
  CertSummary,
  HealthLevel,
  HealthLink,
  HealthSource,
  HealthSummary,
  LinkPoint,
  RowStatus,
  SeriesPoint,
  TargetRow,
} from '../../shared/api/health-api';
import { healthLinks, linkIdOf } from './links';
import { expiryClass } from './tls';
import { targetOf, type ProbeResult, type ProbeSpec } from './types';

/** A line of `<workspace>.health.jsonl`: a probe result, a far-side one (source, host) or Azure's VPN status. */
export type HistoryRecord = ProbeResult & { source?: string; host?: string; computer?: string };

type Seen = HistoryRecord & { status: 'ok' | 'warning' | 'fail' };

const DAY_MS = 86_400_000;
/** Results closer together than this, from one source, are one run: one point of a link's sparkline. */
const RUN_GAP_MS = 120_000;
export const SERIES_POINTS = 40;

const LEVEL_OF: Record<Seen['status'], Exclude<HealthLevel, 'unknown'>> = { ok: 'ok', warning: 'degraded', fail: 'down' };
const VPN_LEVEL: Record<string, HealthLevel> = { ok: 'ok', degraded: 'degraded', unknown: 'unknown', down: 'down', missing: 'down' };

export function sourceOf(r: HistoryRecord): HealthSource {
  if (r.source === 'far-side') return 'far-side';
  return r.kind === 'azure-vpn' ? 'azure' : 'local';
}

function levelOf(r: Seen): HealthLevel {
  if (r.kind === 'azure-vpn') {
    const verdict = (r.azure as { verdict?: unknown } | undefined)?.verdict;
    if (typeof verdict === 'string' && verdict in VPN_LEVEL) return VPN_LEVEL[verdict]!;
  }
  return LEVEL_OF[r.status];
}

/** Several views of one thing: all down is down, all ok is ok, anything mixed is degraded; no data is unknown. */
export function combineLevels(levels: readonly HealthLevel[]): HealthLevel {
  const known = levels.filter((l) => l !== 'unknown');
  if (known.length === 0) return 'unknown';
  if (known.every((l) => l === 'down')) return 'down';
  if (known.every((l) => l === 'ok')) return 'ok';
  return 'degraded';
}

export function certOf(r: HistoryRecord, now: Date): CertSummary | undefined {
  const leaf = r.tls?.chain[0];
  if (!leaf) return undefined;
  const exact = (new Date(leaf.validTo).getTime() - now.getTime()) / DAY_MS;
  return {
    subject: leaf.subject,
    validTo: leaf.validTo,
    daysLeft: Math.floor(exact),
    expiry: expiryClass(exact),
    trusted: r.tls!.authorized,
    namesHost: r.tls!.hostnameMatches,
  };
}

function hostPart(target: string): string | undefined {
  const m = /^(?:\[([^\]]+)\]|([^:/]+)):\d+$/.exec(target);
  if (m) return m[1] ?? m[2];
  try {
    return new URL(target).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return target || undefined;
  }
}

function targetHostOf(l: Lookup, target: string): string | undefined {
  const h = hostPart(target);
  if (!h) return undefined;
  const byAddress = hostOfAddress(l, h)?.host.id;
  if (byAddress) return byAddress;
  const lower = h.toLowerCase();
  return l.ws.hosts.find((x) => x.fqdn?.toLowerCase() === lower || x.name.toLowerCase() === lower)?.id;
}

const byTime = (a: { at: string }, b: { at: string }) => a.at.localeCompare(b.at);

/**
 * A probe runs from where it runs. Only a result taken where its probe is meant to run (`runFrom`: the far-side
 * report of that host or group) speaks for the link and the objects; the same probe run on the admin's machine
 * only says what this machine sees. Azure's VPN status is Azure's own word on the connection.
 */
export function decides(r: HistoryRecord, spec: ProbeSpec | undefined): boolean {
  const source = sourceOf(r);
  if (source === 'azure') return true;
  if (source === 'far-side') return !spec?.runFrom || r.host === spec.runFrom;
  return spec !== undefined && spec.runFrom === undefined;
}

export function takenFrom(r: HistoryRecord): string {
  const source = sourceOf(r);
  if (source === 'azure') return 'Azure (ARM)';
  if (source === 'local') return 'this machine';
  const who = r.host ? (r.computer ? `${r.host} on ${r.computer}` : r.host) : 'an unnamed host';
  return `${who} (far-side report)`;
}

/** Latest per probe id (any source), so a far-side report newer than the last local run wins, and vice versa. */
function latestPerId(records: readonly Seen[]): Map<string, Seen> {
  const m = new Map<string, Seen>();
  for (const r of records) {
    const cur = m.get(r.id);
    if (!cur || cur.at <= r.at) m.set(r.id, r);
  }
  return m;
}

function linkSummary(def: HealthLink['kind'], latest: Seen[], expected: number, level: HealthLevel, from?: string, localOnly = false): string {
  if (latest.length === 0) {
    if (def === 'azure-vpn') return 'no Azure status yet: run `junction azure status` while signed in';
    const where = from ?? 'where the probes are meant to run';
    return localOnly
      ? `no result from ${where} yet: the probes ran only on this machine — import the far-side report from ${where}`
      : `no result from ${where} yet: import the far-side report from ${where}`;
  }
  if (def === 'azure-vpn') return latest[0]!.message;
  const bad = latest.filter((r) => r.status !== 'ok');
  const missing = expected > latest.length ? `; ${expected - latest.length} never run` : '';
  if (bad.length === 0) return `${latest.length} of ${latest.length} probes ok${missing}`;
  const first = bad.find((r) => r.status === 'fail') ?? bad[0]!;
  const what = level === 'down' ? 'failing' : 'not ok';
  return `${bad.length} of ${latest.length} ${what}: ${first.target} — ${first.message}${missing}`;
}

function linkSeries(records: readonly Seen[]): LinkPoint[] {
  const points: LinkPoint[] = [];
  let run: Seen[] = [];
  const flush = () => {
    if (run.length === 0) return;
    const latest = [...latestPerId(run).values()];
    const level = combineLevels(latest.map(levelOf));
    points.push({
      at: run[0]!.at,
      level: level === 'unknown' ? 'degraded' : level,
      ms: Math.max(...run.map((r) => r.ms)),
      source: sourceOf(run[0]!),
    });
    run = [];
  };
  for (const r of records) {
    const start = run[0];
    if (start && (sourceOf(start) !== sourceOf(r) || Date.parse(r.at) - Date.parse(start.at) > RUN_GAP_MS)) flush();
    run.push(r);
  }
  flush();
  return points.slice(-SERIES_POINTS);
}

export function summarise(
  ws: Workspace,
  specs: readonly ProbeSpec[],
  records: readonly HistoryRecord[],
  now: Date,
): Omit<HealthSummary, 'historyFile' | 'persisted' | 'skipped'> {
  const l = buildLookup(ws);
  const seen = records
    .filter((r): r is Seen => r.status === 'ok' || r.status === 'warning' || r.status === 'fail')
    .slice()
    .sort(byTime);
  const specById = new Map(specs.map((s) => [s.id, s]));

  // Rows: one per probe and source, then the probes of the set nobody has run yet.
  const groups = new Map<string, Seen[]>();
  for (const r of seen) {
    const key = `${r.id}|${sourceOf(r)}`;
    const g = groups.get(key);
    if (g) g.push(r);
    else groups.set(key, [r]);
  }
  const rows: TargetRow[] = [];
  for (const [key, g] of groups) {
    const last = g[g.length - 1]!;
    const spec = specById.get(last.id);
    const source = sourceOf(last);
    const cert = certOf(last, now);
    const runFrom = spec?.runFrom ?? (source === 'far-side' ? last.host : undefined);
    const counts = decides(last, spec);
    const targetHost = targetHostOf(l, last.target);
    const link = linkIdOf(last);
    rows.push({
      key,
      id: last.id,
      ...(last.set ? { set: last.set } : {}),
      kind: last.kind,
      target: last.target,
      ...(runFrom ? { runFrom } : {}),
      ...(targetHost ? { targetHost } : {}),
      ...(link ? { link } : {}),
      source,
      status: last.status,
      at: last.at,
      ms: last.ms,
      message: last.message,
      ...(last.error?.code ? { errorCode: last.error.code } : {}),
      ...(cert ? { cert } : {}),
      ...(source === 'far-side' && last.host ? { reportedBy: last.computer ? `${last.host} on ${last.computer}` : last.host } : {}),
      takenFrom: takenFrom(last),
      decides: counts,
      series: g.slice(-SERIES_POINTS).map((r): SeriesPoint => ({ at: r.at, status: r.status, ms: r.ms })),
    });
  }
  const probed = new Set(seen.map((r) => r.id));
  for (const s of specs) {
    if (probed.has(s.id)) continue;
    const targetHost = targetHostOf(l, targetOf(s));
    const link = linkIdOf(s);
    rows.push({
      key: `${s.id}|`,
      id: s.id,
      ...(s.set ? { set: s.set } : {}),
      kind: s.kind,
      target: targetOf(s),
      ...(s.runFrom ? { runFrom: s.runFrom } : {}),
      ...(targetHost ? { targetHost } : {}),
      ...(link ? { link } : {}),
      source: null,
      status: 'unknown' satisfies RowStatus,
      message: 'not probed yet',
      series: [],
    });
  }

  // Links: the latest deciding result of each of their probes sets the level; the series shows how that changed
  // per run. Results taken on this machine are summarised beside it, never mixed in.
  const deciding = seen.filter((r) => decides(r, specById.get(r.id)));
  const latestAll = latestPerId(deciding);
  const latestLocal = latestPerId(seen.filter((r) => sourceOf(r) === 'local'));
  const links: HealthLink[] = healthLinks(ws).map((def) => {
    const ids = new Set([...specs.filter((s) => linkIdOf(s) === def.id).map((s) => s.id), ...seen.filter((r) => linkIdOf(r) === def.id).map((r) => r.id)]);
    const latest = [...ids].map((id) => latestAll.get(id)).filter((r): r is Seen => r !== undefined);
    const local = [...ids].map((id) => latestLocal.get(id)).filter((r): r is Seen => r !== undefined && !latest.some((d) => d === r));
    const level = combineLevels(latest.map(levelOf));
    const newest = latest.slice().sort(byTime).pop();
    const newestLocal = local.slice().sort(byTime).pop();
    const localLevel = combineLevels(local.map(levelOf));
    return {
      ...def,
      level,
      ...(newest ? { at: newest.at, source: sourceOf(newest), decidedBy: sourceOf(newest) === 'azure' ? 'Azure (ARM)' : `far-side report from ${newest.host ?? def.from}` } : {}),
      summary: linkSummary(def.kind, latest, ids.size, level, def.from, local.length > 0),
      ...(newestLocal && localLevel !== 'unknown'
        ? { local: { at: newestLocal.at, level: localLevel, summary: linkSummary(def.kind, local, ids.size, localLevel) } }
        : {}),
      probes: [...ids],
      series: linkSeries(deciding.filter((r) => linkIdOf(r) === def.id)),
    };
  });

  const perObject = new Map<string, HealthLevel[]>();
  for (const k of links) for (const n of k.nodes) perObject.set(n, [...(perObject.get(n) ?? []), k.level]);
  const objects: Record<string, HealthLevel> = {};
  for (const [id, levels] of perObject) objects[id] = combineLevels(levels);

  const perEdge = new Map<string, { a: string; b: string; levels: HealthLevel[] }>();
  for (const k of links)
    for (const [a, b] of k.edges) {
      const key = a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`;
      const e = perEdge.get(key) ?? { a, b, levels: [] };
      e.levels.push(k.level);
      perEdge.set(key, e);
    }
  const edges = [...perEdge.values()].map(({ a, b, levels }) => ({ a, b, level: combineLevels(levels) }));

  const latest: Partial<Record<HealthSource, string>> = {};
  for (const r of seen) latest[sourceOf(r)] = r.at;

  const certWarnings = rows
    .filter((r): r is TargetRow & { cert: CertSummary } => r.cert !== undefined && r.cert.expiry !== 'ok')
    .sort((a, b) => a.cert.daysLeft - b.cert.daysLeft)
    .map((r) => ({ key: r.key, target: r.target, cert: r.cert }));

  return { records: seen.length, rows, links, objects, edges, latest, certWarnings, generatedAt: now.toISOString() };
}
