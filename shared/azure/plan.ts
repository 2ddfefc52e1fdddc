// Desired vs live → an ordered plan of Create / Modify / Delete / NoChange / Ignore, with per-property changes.
// Pure: the live side is whatever the host read (or the last snapshot when offline).
import { canonical, type Canonical } from './canonical';
import { KIND_ORDER, OWNER_TAG, kindOfType, parseArmId, type DesiredResource, type ResourceKind } from './desired';

export type ChangeType = 'Create' | 'Modify' | 'Delete' | 'NoChange' | 'Ignore';

export interface LiveResource {
  kind: ResourceKind;
  armId: string;
  etag?: string;
  /** ARM wire shape as GET returned it. */
  body: Record<string, unknown>;
}

export interface PropertyChange {
  /** e.g. properties.securityRules[AllowAzureStorage].destinationPortRanges */
  path: string;
  before: unknown;
  after: unknown;
}

export interface PlanStep {
  action: ChangeType;
  kind: ResourceKind;
  armId: string;
  name: string;
  changes: PropertyChange[];
  /** The etag read at plan time: apply sends it as If-Match so a concurrent portal edit stops the step. */
  etag?: string;
  desired?: DesiredResource;
  reason?: string;
  slow?: boolean;
}

export interface Plan {
  owner: string;
  steps: PlanStep[];
  counts: Record<ChangeType, number>;
  warnings: string[];
}

export interface PlanOptions {
  owner: string;
  /** Names or ARM ids of unowned resources the admin explicitly allows Junction to rewrite or delete. */
  allowUnowned?: readonly string[];
  /** ARM ids of existing resources that desired resources refer to without creating (VPN gateways). */
  requiredExisting?: readonly string[];
}

const show = (v: unknown) => v;

/** Per-property differences; arrays of named objects are matched by name so a reordered list is no change. */
export function diffCanonical(before: unknown, after: unknown, path = ''): PropertyChange[] {
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  const isNamedList = (v: unknown) => Array.isArray(v) && v.every((x) => x && typeof x === 'object' && typeof (x as { name?: unknown }).name === 'string');
  if (isNamedList(before) && isNamedList(after) && ((before as unknown[]).length || (after as unknown[]).length)) {
    const b = new Map((before as { name: string }[]).map((x) => [x.name, x]));
    const a = new Map((after as { name: string }[]).map((x) => [x.name, x]));
    const out: PropertyChange[] = [];
    for (const name of [...new Set([...b.keys(), ...a.keys()])].sort()) {
      const p = `${path}[${name}]`;
      if (!b.has(name)) out.push({ path: p, before: undefined, after: show(a.get(name)) });
      else if (!a.has(name)) out.push({ path: p, before: show(b.get(name)), after: undefined });
      else out.push(...diffCanonical(b.get(name), a.get(name), p));
    }
    return out;
  }
  const isObj = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (isObj(before) && isObj(after)) {
    const bo = before as Record<string, unknown>;
    const ao = after as Record<string, unknown>;
    const out: PropertyChange[] = [];
    for (const k of [...new Set([...Object.keys(bo), ...Object.keys(ao)])].sort()) {
      if (k === 'name' && path.endsWith(']')) continue;
      out.push(...diffCanonical(bo[k], ao[k], path ? `${path}.${k}` : k));
    }
    return out;
  }
  return [{ path, before, after }];
}

const rank = (k: ResourceKind) => KIND_ORDER.indexOf(k);

export function isOwned(body: Record<string, unknown>, owner: string): boolean {
  const tags = body['tags'];
  return !!tags && typeof tags === 'object' && (tags as Record<string, unknown>)[OWNER_TAG] === owner;
}

export function computePlan(desired: readonly DesiredResource[], live: readonly LiveResource[], opts: PlanOptions): Plan {
  const allowed = new Set((opts.allowUnowned ?? []).map((s) => s.toLowerCase()));
  const isAllowed = (armId: string) => {
    const p = parseArmId(armId);
    return allowed.has(armId.toLowerCase()) || (p !== undefined && allowed.has(p.name.toLowerCase()));
  };
  const liveById = new Map(live.map((l) => [l.armId.toLowerCase(), l]));
  const desiredIds = new Set(desired.map((d) => d.armId.toLowerCase()));
  const steps: PlanStep[] = [];
  const warnings: string[] = [];

  for (const d of desired) {
    const l = liveById.get(d.armId.toLowerCase());
    const base = { kind: d.kind, armId: d.armId, name: d.name, desired: d, ...(d.slow ? { slow: true } : {}) };
    if (!l) {
      steps.push({ ...base, action: 'Create', changes: diffCanonical(undefined, canonical(d.kind, d.body)) });
      continue;
    }
    const changes = diffCanonical(canonical(d.kind, l.body), canonical(d.kind, d.body));
    // A resource whose last PUT failed holds the right properties but is not in service: Azure's remedy is the same
    // PUT again, so it is a Modify, never a NoChange that would leave it Failed.
    const state = (l.body['properties'] as Record<string, unknown> | undefined)?.['provisioningState'];
    if (state === 'Failed') changes.push({ path: 'properties.provisioningState', before: 'Failed', after: 'Succeeded' });
    const owned = isOwned(l.body, opts.owner);
    const etag = l.etag !== undefined ? { etag: l.etag } : {};
    if (changes.length === 0) steps.push({ ...base, ...etag, action: 'NoChange', changes });
    else if (!owned && !isAllowed(d.armId))
      steps.push({
        ...base,
        ...etag,
        action: 'Ignore',
        changes,
        reason: `exists without the ${OWNER_TAG}=${opts.owner} tag, so Junction will not rewrite it; to take it over, pass --allow-unowned ${d.name}`,
      });
    else steps.push({ ...base, ...etag, action: 'Modify', changes });
  }

  for (const l of live) {
    if (desiredIds.has(l.armId.toLowerCase())) continue;
    if (!isOwned(l.body, opts.owner) && !isAllowed(l.armId)) continue; // not ours and not named: invisible, like what-if's Ignore
    const name = parseArmId(l.armId)?.name ?? l.armId;
    steps.push({
      kind: l.kind,
      armId: l.armId,
      name,
      action: 'Delete',
      changes: diffCanonical(canonical(l.kind, l.body), undefined),
      ...(l.etag !== undefined ? { etag: l.etag } : {}),
    });
  }

  for (const id of opts.requiredExisting ?? []) {
    if (!liveById.has(id.toLowerCase())) warnings.push(`${id} does not exist: connections that use it will fail; create the VPN gateway first or set create: true on it`);
  }

  const phase = (s: PlanStep) => (s.action === 'Delete' ? 1 : 0);
  steps.sort((a, b) => phase(a) - phase(b) || (phase(a) === 0 ? rank(a.kind) - rank(b.kind) : rank(b.kind) - rank(a.kind)) || a.armId.localeCompare(b.armId));
  const counts: Record<ChangeType, number> = { Create: 0, Modify: 0, Delete: 0, NoChange: 0, Ignore: 0 };
  for (const s of steps) counts[s.action]++;
  return { owner: opts.owner, steps, counts, warnings };
}

/** The steps apply performs, in order. */
export function actionable(plan: Plan): PlanStep[] {
  return plan.steps.filter((s) => s.action === 'Create' || s.action === 'Modify' || s.action === 'Delete');
}

export function liveFromWire(body: Record<string, unknown>): LiveResource | undefined {
  const id = typeof body['id'] === 'string' ? body['id'] : undefined;
  const kind = kindOfType(typeof body['type'] === 'string' ? body['type'] : (id && parseArmId(id)?.type) || '');
  if (!id || !kind) return undefined;
  return { kind, armId: id, body, ...(typeof body['etag'] === 'string' ? { etag: body['etag'] } : {}) };
}

const fmt = (v: unknown) => (v === undefined ? '(none)' : JSON.stringify(v));

export function formatPlan(plan: Plan, opts: { verboseNoChange?: boolean } = {}): string {
  const sym: Record<ChangeType, string> = { Create: '+', Modify: '~', Delete: '-', NoChange: '=', Ignore: '*' };
  const lines: string[] = [];
  for (const s of plan.steps) {
    lines.push(`${sym[s.action]} ${s.action.padEnd(8)} ${s.kind.padEnd(19)} ${s.name}${s.slow ? '  (slow: tens of minutes)' : ''}`);
    if (s.reason) lines.push(`      ${s.reason}`);
    if (s.action === 'Modify' || s.action === 'Ignore' || (opts.verboseNoChange && s.action !== 'NoChange')) {
      for (const c of s.changes) lines.push(`      ${c.path}: ${fmt(c.before)} => ${fmt(c.after)}`);
    }
  }
  for (const w of plan.warnings) lines.push(`! ${w}`);
  const c = plan.counts;
  lines.push(`Plan: ${c.Create} to create, ${c.Modify} to modify, ${c.Delete} to delete, ${c.NoChange} unchanged${c.Ignore ? `, ${c.Ignore} ignored (not owned)` : ''}.`);
  return lines.join('\n') + '\n';
}

export type { Canonical };
