// shared/reach's answer in the shape the "why can't A reach B" panel shows: plain data, each deciding route or
// rule with its place in the document (path, line, column) so the panel can jump to it in the editor.
import type { SourceMap } from '../../shared/model/load';
import { formatPath } from '../../shared/model/path';
import type { Workspace } from '../../shared/model/schema';
import { addressOf } from '../../shared/net/cidr';
import { DESTINATION_TAGS, formatReach, normaliseProtocol, reach, ReachInputError, type Endpoint, type ReachOptions, type ReachResult } from '../../shared/reach';
import type { ReachAnswer, ReachEndpoints, ReachEndpointView } from '../../shared/api/health-api';

function endpointView(e: Endpoint): ReachEndpointView {
  const zone = e.zone.kind === 'azure' ? `Azure VNet ${e.zone.vnet} (${e.zone.site})` : e.zone.kind === 'on-premises' ? `on-premises site ${e.zone.site}` : 'outside the model';
  return {
    label: e.label,
    ...(e.host ? { host: e.host.id } : {}),
    ...(e.address ? { address: e.address } : {}),
    ...(e.tag ? { tag: e.tag } : {}),
    ...(e.subnet ? { subnet: e.subnet.id } : {}),
    zone,
  };
}

export function answerOf(r: ReachResult, source: SourceMap): Extract<ReachAnswer, { ok: true }> {
  const decisive = r.decisive ? r.hops.indexOf(r.decisive) : -1;
  return {
    ok: true,
    verdict: r.verdict,
    query: r.query,
    source: endpointView(r.source),
    destination: endpointView(r.destination),
    hops: r.hops.map((h) => {
      const pos = h.decidedBy?.path ? source.locate(h.decidedBy.path) : undefined;
      return {
        at: h.at,
        kind: h.kind,
        text: h.text,
        outcome: h.outcome,
        ...(h.decidedBy
          ? {
              decidedBy: {
                kind: h.decidedBy.kind,
                name: h.decidedBy.name,
                ...(h.decidedBy.path ? { where: formatPath(h.decidedBy.path) } : {}),
                ...(pos ? { line: pos.line, column: pos.column } : {}),
              },
            }
          : {}),
        assumptions: h.assumptions ?? [],
      };
    }),
    ...(decisive >= 0 ? { decisive } : {}),
    text: formatReach(r),
  };
}

export function reachAnswer(
  ws: Workspace,
  source: SourceMap,
  q: { from: string; to: string; port: number; proto?: string },
  opts: ReachOptions = {},
): ReachAnswer {
  try {
    return answerOf(reach(ws, { from: q.from, to: q.to, port: q.port, protocol: normaliseProtocol(q.proto ?? 'tcp') }, opts), source);
  } catch (e) {
    if (e instanceof ReachInputError) return { ok: false, error: e.message, ...(e.fix ? { fix: e.fix } : {}), suggestions: [...e.suggestions] };
    throw e;
  }
}

export function reachEndpoints(ws: Workspace): ReachEndpoints {
  const firstAddress = (h: Workspace['hosts'][number]) => {
    const a = h.interfaces.find((n) => n.address)?.address;
    return a ? addressOf(a) : undefined;
  };
  return {
    hosts: ws.hosts.map((h) => {
      const address = firstAddress(h);
      return { id: h.id, name: h.name, roles: [...h.roles], ...(address ? { address } : {}), site: h.site };
    }),
    subnets: [
      ...ws.networks.flatMap((n) => n.subnets.map((s) => ({ id: s.id, prefix: s.prefix, kind: 'on-premises' as const, site: n.site }))),
      ...ws.azure.vnets.flatMap((v) => v.subnets.map((s) => ({ id: s.id, prefix: s.prefix, kind: 'azure' as const, site: v.site }))),
    ],
    tags: [...DESTINATION_TAGS],
  };
}
