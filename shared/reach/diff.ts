// Differential reachability (Batfish's question for two snapshots): which flows does a change open or close?
// The flows are those either workspace cares about: the flows its scenarios need, its intents, and the
// host/subnet × port pairs its NSG rules mention. Each is walked in both; a changed verdict is reported with the
// element in NEW that decided it (the rule or route that now blocks, or the one that now lets it through).
import { buildLookup, type Lookup } from '../model/lookup';
import { formatPath, type DocPath } from '../model/path';
import type { Workspace } from '../model/schema';
import type { ReachOptions } from './engine';
import { checkFlow, decidingHop as passingHop, describeDecider, describeFlow, intentFlows, neededFlows, ruleFlows, type FlowOutcome, type NeededFlow } from './flows';
import type { Decider, Hop, Verdict } from './types';

export type DiffVerdict = Verdict | 'unresolved';

export interface FlowChange {
  change: 'opened' | 'closed' | 'changed';
  flow: { from: string; to: string; port: number; protocol: string; description: string };
  /** Who cares about this flow: scenarios, intents, rules (from both workspaces). */
  owners: string[];
  before: DiffVerdict;
  after: DiffVerdict;
  /** The element in NEW that decided the new verdict. */
  decidedBy?: { kind: Decider['kind']; name: string; path?: string; text: string };
  /** Where NEW no longer resolves one end of the flow. */
  error?: string;
}

export interface ReachDiff {
  flows: number;
  unchanged: number;
  opened: FlowChange[];
  closed: FlowChange[];
  changed: FlowChange[];
}

const keyOf = (f: NeededFlow) => `${f.fromAny ? `any:${f.fromLabel ?? f.fromAny.join(',')}` : f.from}\u0000${f.to}\u0000${f.port}\u0000${f.protocol}`;

function flowsOf(l: Lookup): NeededFlow[] {
  return [...neededFlows(l), ...intentFlows(l), ...ruleFlows(l)];
}

/** The hop in NEW that decided: the blocking hop, or for a flow now let through, the hop at the element that blocked it
 *  before (it now passes), else the last hop that names a rule or route. */
function decidingHop(before: FlowOutcome, after: FlowOutcome): Hop | undefined {
  const hops = after.result?.hops ?? [];
  if (after.verdict !== 'reachable') return after.blocker ?? hops[hops.length - 1];
  const was = before.blocker;
  const same = was ? hops.find((h) => h.at === was.at && h.decidedBy) : undefined;
  return same ?? passingHop(after);
}

const samePath = (a: DocPath | undefined, b: DocPath | undefined) => (a ?? []).join('/') === (b ?? []).join('/');

export function diffReach(oldWs: Workspace | Lookup, newWs: Workspace | Lookup, opts: ReachOptions = {}): ReachDiff {
  const a = 'declarations' in oldWs ? oldWs : buildLookup(oldWs);
  const b = 'declarations' in newWs ? newWs : buildLookup(newWs);
  const byKey = new Map<string, { flow: NeededFlow; owners: Set<string> }>();
  for (const f of [...flowsOf(b), ...flowsOf(a)]) {
    const k = keyOf(f);
    const hit = byKey.get(k);
    if (hit) hit.owners.add(f.owner);
    else byKey.set(k, { flow: f, owners: new Set([f.owner]) });
  }
  const out: ReachDiff = { flows: byKey.size, unchanged: 0, opened: [], closed: [], changed: [] };
  for (const { flow, owners } of byKey.values()) {
    const asReachable: NeededFlow = { ...flow, expect: 'reachable' };
    const before = checkFlow(a, asReachable, opts);
    const after = checkFlow(b, asReachable, opts);
    if (before.verdict === after.verdict) {
      // Same verdict, but a different element deciding a blocked flow is still a change worth seeing.
      const db = before.blocker?.decidedBy;
      const da = after.blocker?.decidedBy;
      if (after.verdict === 'reachable' || after.verdict === 'unresolved' || (db?.name === da?.name && samePath(db?.path, da?.path))) {
        out.unchanged++;
        continue;
      }
    }
    const hop = decidingHop(before, after);
    const change: FlowChange = {
      change: after.verdict === 'reachable' && before.verdict !== 'reachable' ? 'opened' : before.verdict === 'reachable' && after.verdict !== 'reachable' ? 'closed' : 'changed',
      flow: { from: flow.fromLabel ?? flow.from, to: flow.to, port: flow.port, protocol: flow.protocol, description: describeFlow(flow) },
      owners: [...owners].sort(),
      before: before.verdict,
      after: after.verdict,
      decidedBy: hop ? { kind: hop.decidedBy?.kind ?? 'model', name: hop.decidedBy ? describeDecider(hop.decidedBy) : hop.at, path: hop.decidedBy?.path ? formatPath(hop.decidedBy.path) : undefined, text: hop.text } : undefined,
      error: after.verdict === 'unresolved' ? after.error : undefined,
    };
    out[change.change].push(change);
  }
  const order = (x: FlowChange, y: FlowChange) => x.flow.description.localeCompare(y.flow.description);
  out.opened.sort(order);
  out.closed.sort(order);
  out.changed.sort(order);
  return out;
}

const VERDICT = { reachable: 'reachable', blocked: 'blocked', 'no-route': 'no route', unresolved: 'not in the workspace' } as const;

export function formatReachDiff(d: ReachDiff): string {
  const lines = [`reachability: ${d.opened.length} opened, ${d.closed.length} closed, ${d.changed.length} changed, ${d.unchanged} unchanged (${d.flows} flows)`];
  const line = (mark: string, c: FlowChange) => {
    lines.push(`  ${mark} ${c.flow.description}: ${VERDICT[c.before]} → ${VERDICT[c.after]}  [${c.owners.join('; ')}]`);
    if (c.decidedBy) lines.push(`      decided in NEW by ${c.decidedBy.name}${c.decidedBy.path ? ` at ${c.decidedBy.path}` : ''}: ${c.decidedBy.text}`);
    else if (c.error) lines.push(`      ${c.error}`);
  };
  for (const c of d.opened) line('+', c);
  for (const c of d.closed) line('-', c);
  for (const c of d.changed) line('~', c);
  return lines.join('\n') + '\n';
}

export const isEmptyReachDiff = (d: ReachDiff): boolean => d.opened.length + d.closed.length + d.changed.length === 0;
