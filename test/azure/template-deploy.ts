// A minimal ARM template deployment for tests: evaluates the expression language the templates Junction writes use
// (parameters, resourceId, reference, union, map/lambda, createObject/createArray, contains, if, not, concat,
// resourceGroup, tryGet) and PUTs each resource to the emulator in dependency order, the way a deployment in
// Incremental mode does (each resource PUT whole; nested deployments with inner expression scope).
import { request } from 'node:https';
import type { ArmEmulator } from './emulator/server';
import type { TestPki } from './emulator/certs';

type Obj = Record<string, unknown>;
type Val = unknown;

// ---------------------------------------------------------------- expression parser

type Node =
  | { t: 'str'; v: string }
  | { t: 'num'; v: number }
  | { t: 'call'; name: string; args: Node[] }
  | { t: 'prop'; of: Node; name: string }
  | { t: 'index'; of: Node; at: Node };

export function parseExpression(src: string): Node {
  let i = 0;
  const ws = () => {
    while (i < src.length && /\s/.test(src[i]!)) i++;
  };
  const primary = (): Node => {
    ws();
    const c = src[i]!;
    if (c === "'") {
      let v = '';
      i++;
      for (;;) {
        if (i >= src.length) throw new Error(`unterminated string in ${src}`);
        if (src[i] === "'") {
          if (src[i + 1] === "'") {
            v += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        v += src[i++];
      }
      return { t: 'str', v };
    }
    if (/[0-9-]/.test(c)) {
      const m = /^-?[0-9]+/.exec(src.slice(i))!;
      i += m[0].length;
      return { t: 'num', v: Number(m[0]) };
    }
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (!m) throw new Error(`unexpected "${c}" at ${i} in ${src}`);
    i += m[0].length;
    ws();
    if (src[i] !== '(') throw new Error(`expected ( after ${m[0]} in ${src}`);
    i++;
    const args: Node[] = [];
    ws();
    if (src[i] === ')') i++;
    else
      for (;;) {
        args.push(postfix());
        ws();
        if (src[i] === ',') {
          i++;
          continue;
        }
        if (src[i] === ')') {
          i++;
          break;
        }
        throw new Error(`expected , or ) at ${i} in ${src}`);
      }
    return { t: 'call', name: m[0], args };
  };
  const postfix = (): Node => {
    let n = primary();
    for (;;) {
      ws();
      if (src[i] === '.') {
        i++;
        const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i))!;
        i += m[0].length;
        n = { t: 'prop', of: n, name: m[0] };
      } else if (src[i] === '[') {
        i++;
        const at = postfix();
        ws();
        i++; // ]
        n = { t: 'index', of: n, at };
      } else return n;
    }
  };
  const n = postfix();
  ws();
  if (i !== src.length) throw new Error(`trailing text at ${i} in ${src}`);
  return n;
}

/** Whether a JSON string is an expression: "[...]" but not an escaped "[[...". */
export const isExpression = (s: string) => s.startsWith('[') && s.endsWith(']') && !s.startsWith('[[');

/** Every call node in an expression tree, depth first. */
export function calls(n: Node): { name: string; args: Node[] }[] {
  switch (n.t) {
    case 'call':
      return [n, ...n.args.flatMap(calls)];
    case 'prop':
      return calls(n.of);
    case 'index':
      return [...calls(n.of), ...calls(n.at)];
    default:
      return [];
  }
}

/** Every string value in a JSON tree. */
export function strings(v: Val): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.flatMap(strings);
  if (v && typeof v === 'object') return Object.values(v).flatMap(strings);
  return [];
}

// ---------------------------------------------------------------- evaluation

interface Scope {
  subscriptionId: string;
  resourceGroup: string;
  location: string;
  parameters: Obj;
  lambda?: Record<string, Val>;
  reference: (id: string, full: boolean) => Promise<Val>;
}

const deepEqual = (a: Val, b: Val) => JSON.stringify(a) === JSON.stringify(b);

export function resourceIdOf(scope: Pick<Scope, 'subscriptionId' | 'resourceGroup'>, type: string, names: string[]): string {
  const [ns, ...types] = type.split('/');
  if (types.length !== names.length) throw new Error(`resourceId(${type}) needs ${types.length} names, got ${names.length}`);
  return `/subscriptions/${scope.subscriptionId}/resourceGroups/${scope.resourceGroup}/providers/${ns}/${types.map((t, k) => `${t}/${names[k]}`).join('/')}`;
}

async function evalNode(n: Node, s: Scope): Promise<Val> {
  switch (n.t) {
    case 'str':
      return n.v;
    case 'num':
      return n.v;
    case 'prop': {
      const o = (await evalNode(n.of, s)) as Obj | undefined;
      if (!o || typeof o !== 'object' || !(n.name in o)) throw new Error(`The language expression property '${n.name}' doesn't exist`);
      return o[n.name];
    }
    case 'index': {
      const o = (await evalNode(n.of, s)) as Obj;
      const k = (await evalNode(n.at, s)) as string;
      if (!o || !(k in o)) throw new Error(`index ${k} doesn't exist`);
      return o[k];
    }
    case 'call':
      break;
  }
  const name = n.name.toLowerCase();
  if (name === 'lambda') return { lambda: n };
  if (name === 'if') {
    const cond = await evalNode(n.args[0]!, s);
    return evalNode(n.args[cond ? 1 : 2]!, s); // only the chosen branch is evaluated, as ARM does
  }
  if (name === 'map') {
    const arr = (await evalNode(n.args[0]!, s)) as Val[];
    const lam = n.args[1]! as { t: 'call'; args: Node[] };
    const v = (lam.args[0] as { v: string }).v;
    const out: Val[] = [];
    for (const x of arr) out.push(await evalNode(lam.args[1]!, { ...s, lambda: { ...s.lambda, [v]: x } }));
    return out;
  }
  const a: Val[] = [];
  for (const x of n.args) a.push(await evalNode(x, s));
  switch (name) {
    case 'parameters':
      if (!(String(a[0]) in s.parameters)) throw new Error(`parameter ${String(a[0])} is not defined`);
      return s.parameters[String(a[0])];
    case 'lambdavariables':
      return s.lambda?.[String(a[0])];
    case 'resourceid':
      return resourceIdOf(s, String(a[0]), a.slice(1).map(String));
    case 'resourcegroup':
      return { name: s.resourceGroup, location: s.location };
    case 'reference':
      return s.reference(String(a[0]), String(a[2] ?? '').toLowerCase() === 'full');
    case 'concat':
      return Array.isArray(a[0]) ? a.flatMap((x) => x as Val[]) : a.map(String).join('');
    case 'createarray':
      return a;
    case 'createobject': {
      const o: Obj = {};
      for (let k = 0; k < a.length; k += 2) o[String(a[k])] = a[k + 1];
      return o;
    }
    case 'union': {
      if (Array.isArray(a[0])) {
        const out: Val[] = [];
        for (const x of a.flatMap((y) => y as Val[])) if (!out.some((o) => deepEqual(o, x))) out.push(x);
        return out;
      }
      return Object.assign({}, ...(a as Obj[]));
    }
    case 'contains': {
      const [c, item] = a;
      if (Array.isArray(c)) return c.some((x) => deepEqual(x, item));
      if (typeof c === 'string') return c.includes(String(item));
      return Object.keys(c as Obj).some((k) => k.toLowerCase() === String(item).toLowerCase());
    }
    case 'trygettoken':
    case 'tryget': {
      const o = a[0] as Obj | undefined;
      return o && typeof o === 'object' ? o[String(a[1])] ?? null : null;
    }
    case 'not':
      return !a[0];
    case 'empty':
      return a[0] === null || (Array.isArray(a[0]) ? a[0].length === 0 : typeof a[0] === 'object' ? Object.keys(a[0] as Obj).length === 0 : a[0] === '');
    case 'coalesce':
      return a.find((x) => x !== null && x !== undefined) ?? null;
    case 'null':
      return null;
    case 'true':
      return true;
    case 'false':
      return false;
    default:
      throw new Error(`template function ${n.name}() is not supported by the test evaluator`);
  }
}

async function evalValue(v: Val, s: Scope): Promise<Val> {
  if (typeof v === 'string') return isExpression(v) ? evalNode(parseExpression(v.slice(1, -1)), s) : v.startsWith('[[') ? v.slice(1) : v;
  if (Array.isArray(v)) {
    const out: Val[] = [];
    for (const x of v) out.push(await evalValue(x, s));
    return out;
  }
  if (v && typeof v === 'object') {
    const out: Obj = {};
    for (const [k, x] of Object.entries(v)) out[k] = await evalValue(x, s);
    return out;
  }
  return v;
}

// ---------------------------------------------------------------- deployment

export interface DeployTarget {
  emu: ArmEmulator;
  pki: TestPki;
  subscriptionId: string;
  resourceGroup: string;
  location?: string;
}

function call(t: DeployTarget, method: string, path: string, body?: unknown): Promise<{ status: number; body: Obj }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${t.emu.base}${path}?api-version=2025-05-01`,
      { method, ca: t.pki.caPem, headers: { authorization: `Bearer ${t.emu.token}`, 'content-type': 'application/json' } },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? (JSON.parse(text) as Obj) : {} }));
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

export class DeploymentError extends Error {}

/** Deploys a template; returns the ARM ids it PUT, in order. Throws DeploymentError where ARM would fail the deployment. */
export async function deployTemplate(template: Obj, t: DeployTarget, parameters: Obj = {}): Promise<string[]> {
  const scope: Scope = {
    subscriptionId: t.subscriptionId,
    resourceGroup: t.resourceGroup,
    location: t.location ?? 'westeurope',
    parameters: {},
    reference: async (id, full) => {
      const path = id.startsWith('/') ? id : id;
      const r = await call(t, 'GET', path);
      if (r.status !== 200) throw new DeploymentError(`reference(${id}): ${r.status} ${JSON.stringify(r.body)}`);
      return full ? r.body : r.body['properties'];
    },
  };
  const declared = (template['parameters'] ?? {}) as Record<string, { defaultValue?: Val; type: string }>;
  for (const p of Object.keys(parameters)) if (!(p in declared)) throw new DeploymentError(`parameter ${p} is not declared by the template`);
  for (const [name, d] of Object.entries(declared)) {
    if (name in parameters) scope.parameters[name] = parameters[name];
    else if ('defaultValue' in d) scope.parameters[name] = await evalValue(d.defaultValue, scope);
    else throw new DeploymentError(`parameter ${name} has no value`);
  }
  const resources = (template['resources'] ?? []) as Obj[];
  const withIds: { r: Obj; id: string; deps: string[] }[] = [];
  for (const r of resources) {
    const type = String(r['type']);
    const name = String(await evalValue(r['name'], scope));
    const id = type === 'Microsoft.Resources/deployments' ? `deployment:${name}` : resourceIdOf(scope, type, name.split('/'));
    const deps: string[] = [];
    for (const d of (r['dependsOn'] ?? []) as string[]) deps.push(String(await evalValue(d, scope)));
    withIds.push({ r, id, deps });
  }
  const known = new Map(withIds.map((x) => [x.id.toLowerCase(), x]));
  for (const x of withIds)
    for (const d of x.deps)
      if (!known.has(d.toLowerCase()) && !known.has(`deployment:${d.split('/').pop()}`.toLowerCase()))
        throw new DeploymentError(`dependsOn ${d} of ${x.id}: the resource is not defined in the template`);
  const done = new Set<string>();
  const puts: string[] = [];
  const visit = async (x: { r: Obj; id: string; deps: string[] }, stack: string[]): Promise<void> => {
    if (done.has(x.id)) return;
    if (stack.includes(x.id)) throw new DeploymentError(`circular dependency at ${x.id}`);
    for (const d of x.deps) {
      const dep = known.get(d.toLowerCase()) ?? known.get(`deployment:${d.split('/').pop()}`.toLowerCase())!;
      await visit(dep, [...stack, x.id]);
    }
    done.add(x.id);
    const r = x.r;
    if ('condition' in r && !(await evalValue(r['condition'], scope))) return;
    if (r['type'] === 'Microsoft.Resources/deployments') {
      const props = r['properties'] as Obj;
      const inner = (props['expressionEvaluationOptions'] as Obj | undefined)?.['scope'] === 'inner';
      if (!inner) throw new DeploymentError('nested deployments must use inner scope');
      const params: Obj = {};
      for (const [k, v] of Object.entries((props['parameters'] ?? {}) as Record<string, { value: Val }>)) params[k] = await evalValue(v.value, scope);
      puts.push(...(await deployTemplate(props['template'] as Obj, t, params)));
      return;
    }
    const body: Obj = {};
    for (const k of ['location', 'tags', 'sku', 'properties'] as const) if (k in r) body[k] = await evalValue(r[k], scope);
    const path = x.id;
    const res = await call(t, 'PUT', path, body);
    if (res.status >= 400) throw new DeploymentError(`PUT ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    await call(t, 'GET', path); // the deployment waits for each resource to finish provisioning
    puts.push(path);
  };
  for (const x of withIds) await visit(x, []);
  return puts;
}

// ---------------------------------------------------------------- resourceId audit

export interface IdReference {
  expression: string;
  type: string;
  /** Each name argument: a literal, or the parameter it comes from. */
  names: ({ literal: string } | { parameter: string })[];
}

/** Every resourceId() call in a template (nested templates included), with its arguments as written. */
export function resourceIdReferences(template: Obj): IdReference[] {
  const out: IdReference[] = [];
  for (const s of strings(template)) {
    if (!isExpression(s)) continue;
    for (const c of calls(parseExpression(s.slice(1, -1)))) {
      if (c.name.toLowerCase() !== 'resourceid') continue;
      const [type, ...names] = c.args;
      out.push({
        expression: s,
        type: (type as { v: string }).v,
        names: names.map((n) =>
          n.t === 'str' ? { literal: n.v } : n.t === 'call' && n.name === 'parameters' ? { parameter: (n.args[0] as { v: string }).v } : { literal: `?${JSON.stringify(n)}` },
        ),
      });
    }
  }
  return out;
}
