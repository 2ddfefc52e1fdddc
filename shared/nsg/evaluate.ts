// Azure NSG semantics, offline: rules by ascending priority, first match wins, then the default rules.
// Endpoints are either addresses or service tags, because the seeds' questions are asked in both forms
// ("can 10.1.2.4 reach Storage on 443?"). Tag-to-tag containment follows Azure's definitions: the public
// service tags are part of Internet (which is why seed 002's allows must sit below the deny at 4000).
import type { NsgRule } from '../model/schema';
import { contains } from '../net/cidr';
import { isTag, parseTag, prefixesCover, tagContains, tagPrefixes } from './tags';

export type Direction = 'Inbound' | 'Outbound';
export type Protocol = 'Tcp' | 'Udp' | 'Icmp' | 'Esp' | 'Ah';

/** A flow endpoint: a concrete address, or a service tag standing for "some address of that service". */
export type Endpoint = { address: string } | { tag: string };

export interface Flow {
  direction: Direction;
  protocol: Protocol;
  source: Endpoint;
  destination: Endpoint;
  sourcePort?: number;
  destinationPort: number;
}

export interface EvalContext {
  /** Prefixes the VirtualNetwork tag stands for: the VNet, peered VNets and on-premises prefixes via gateways. */
  virtualNetworkPrefixes: readonly string[];
  /** Cached service-tag prefixes (Azure's ServiceTags JSON), when the admin imported them. */
  serviceTagPrefixes?: Readonly<Record<string, readonly string[]>>;
}

export interface Decision {
  access: 'Allow' | 'Deny';
  ruleName: string;
  priority: number;
  isDefault: boolean;
}

type AnyRule = Pick<
  NsgRule,
  | 'name'
  | 'priority'
  | 'direction'
  | 'access'
  | 'protocol'
  | 'sourcePrefixes'
  | 'sourcePorts'
  | 'destinationPrefixes'
  | 'destinationPorts'
>;

const rule = (
  name: string,
  priority: number,
  direction: Direction,
  access: 'Allow' | 'Deny',
  src: string,
  dst: string,
): AnyRule => ({
  name,
  priority,
  direction,
  access,
  protocol: '*',
  sourcePrefixes: [src],
  sourcePorts: ['*'],
  destinationPrefixes: [dst],
  destinationPorts: ['*'],
});

export const DEFAULT_RULES: readonly AnyRule[] = [
  rule('AllowVnetInBound', 65000, 'Inbound', 'Allow', 'VirtualNetwork', 'VirtualNetwork'),
  rule('AllowAzureLoadBalancerInBound', 65001, 'Inbound', 'Allow', 'AzureLoadBalancer', '*'),
  rule('DenyAllInBound', 65500, 'Inbound', 'Deny', '*', '*'),
  rule('AllowVnetOutBound', 65000, 'Outbound', 'Allow', 'VirtualNetwork', 'VirtualNetwork'),
  rule('AllowInternetOutBound', 65001, 'Outbound', 'Allow', '*', 'Internet'),
  rule('DenyAllOutBound', 65500, 'Outbound', 'Deny', '*', '*'),
];

// Tag names, regional forms and containment live in ./tags (shared with lint and the schema's checks).
export { isTag, tagContains };

export function parsePortRange(r: string): [number, number] {
  if (r === '*') return [0, 65535];
  const dash = r.indexOf('-');
  if (dash < 0) return [Number(r), Number(r)];
  return [Number(r.slice(0, dash)), Number(r.slice(dash + 1))];
}

function portMatches(ranges: readonly string[], port: number | undefined): boolean {
  if (port === undefined) return ranges.includes('*');
  return ranges.some((r) => {
    const [lo, hi] = parsePortRange(r);
    return port >= lo && port <= hi;
  });
}

function inVirtualNetwork(address: string, ctx: EvalContext): boolean {
  return ctx.virtualNetworkPrefixes.some((p) => contains(p, address));
}

export function prefixMatches(prefix: string, ep: Endpoint, ctx: EvalContext): boolean {
  if (prefix === '*') return true;
  if ('tag' in ep) return tagMatches(prefix, ep.tag, ctx);
  if (!isTag(prefix)) return contains(prefix, ep.address);
  const tag = parseTag(prefix)?.base ?? prefix;
  if (tag === 'VirtualNetwork') return inVirtualNetwork(ep.address, ctx);
  if (tag === 'Internet') return !inVirtualNetwork(ep.address, ctx) && !isPrivate(ep.address);
  // A regional tag stands for its region's prefixes only: never fall back to the whole-cloud list.
  const cached = ctx.serviceTagPrefixes ? tagPrefixes(ctx.serviceTagPrefixes, prefix) : undefined;
  return cached ? cached.some((p) => contains(p, ep.address)) : false;
}

/**
 * A rule prefix against "some address of tag T": with the cached ServiceTags list, by the exact prefixes (all of
 * T's prefixes inside the rule's); without it, by the tags' definitions (Storage.WestEurope ⊂ Storage ⊂ Internet).
 */
function tagMatches(prefix: string, tag: string, ctx: EvalContext): boolean {
  const list = ctx.serviceTagPrefixes;
  const inner = list ? tagPrefixes(list, tag) : undefined;
  if (!isTag(prefix)) return inner ? prefixesCover([prefix], inner) : false;
  const outer = list ? tagPrefixes(list, prefix) : undefined;
  if (inner && outer) return prefixesCover(outer, inner);
  return tagContains(prefix, tag);
}

const PRIVATE = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', 'fc00::/7', 'fe80::/10'];
function isPrivate(address: string): boolean {
  return PRIVATE.some((p) => contains(p, address));
}

export function ruleMatches(r: AnyRule, flow: Flow, ctx: EvalContext): boolean {
  if (r.direction !== flow.direction) return false;
  if (r.protocol !== '*' && r.protocol !== flow.protocol) return false;
  if (!portMatches(r.destinationPorts, flow.destinationPort)) return false;
  if (!r.sourcePorts.includes('*') && !portMatches(r.sourcePorts, flow.sourcePort)) return false;
  return (
    r.sourcePrefixes.some((p) => prefixMatches(p, flow.source, ctx)) &&
    r.destinationPrefixes.some((p) => prefixMatches(p, flow.destination, ctx))
  );
}

/** The decision of one NSG for one flow: the first matching custom rule by priority, else the defaults. */
export function evaluateNsg(rules: readonly AnyRule[], flow: Flow, ctx: EvalContext): Decision {
  const ordered = [...rules]
    .filter((r) => r.direction === flow.direction)
    .sort((a, b) => a.priority - b.priority);
  for (const r of ordered) {
    if (ruleMatches(r, flow, ctx))
      return { access: r.access, ruleName: r.name, priority: r.priority, isDefault: false };
  }
  for (const r of DEFAULT_RULES) {
    if (ruleMatches(r, flow, ctx))
      return { access: r.access, ruleName: r.name, priority: r.priority, isDefault: true };
  }
  // Unreachable: DenyAll* match every flow. Kept total for the type checker.
  return { access: 'Deny', ruleName: 'DenyAll', priority: 65500, isDefault: true };
}

// ── Coverage, for shadowing analysis ─────────────────────────────────────────────────────────────────────

function prefixCovers(outer: string, inner: string): boolean {
  if (outer === '*') return true;
  if (inner === '*') return false;
  const oTag = isTag(outer);
  const iTag = isTag(inner);
  if (oTag && iTag) return tagContains(outer, inner);
  if (oTag || iTag) return false; // without the cached tag list, mixed forms cannot be compared: assume not
  return contains(outer, inner);
}

function portsCover(outer: readonly string[], inner: readonly string[]): boolean {
  return inner.every((i) => {
    const [lo, hi] = parsePortRange(i);
    return outer.some((o) => {
      const [olo, ohi] = parsePortRange(o);
      return olo <= lo && ohi >= hi;
    });
  });
}

/** Whether every flow that `inner` matches is also matched by `outer` (same direction assumed by caller). */
export function ruleCovers(outer: AnyRule, inner: AnyRule): boolean {
  if (outer.direction !== inner.direction) return false;
  if (outer.protocol !== '*' && outer.protocol !== inner.protocol) return false;
  return (
    portsCover(outer.sourcePorts, inner.sourcePorts) &&
    portsCover(outer.destinationPorts, inner.destinationPorts) &&
    inner.sourcePrefixes.every((i) => outer.sourcePrefixes.some((o) => prefixCovers(o, i))) &&
    inner.destinationPrefixes.every((i) => outer.destinationPrefixes.some((o) => prefixCovers(o, i)))
  );
}
