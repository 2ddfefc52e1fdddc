// @azure/arm-network models are "client-flattened": a resource's `properties` are lifted onto the object
// (x-ms-client-flatten). Junction keeps the ARM wire shape (what templates and the REST API use) and converts at the
// SDK boundary. Only the shapes Junction models are handled.

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Wire → SDK model: lift every `properties` into its owner. */
export function toSdk(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(toSdk);
  if (!isObj(v)) return v;
  const out: Obj = {};
  for (const [k, x] of Object.entries(v)) if (k !== 'properties') out[k] = toSdk(x);
  if (isObj(v['properties'])) for (const [k, x] of Object.entries(v['properties'])) out[k] = toSdk(x);
  return out;
}

const TOP_LEVEL = new Set(['id', 'name', 'type', 'etag', 'location', 'tags', 'zones', 'extendedLocation']);
const SUB_TOP_LEVEL = new Set(['id', 'name', 'type', 'etag']);
/** Child collections whose items are sub-resources (flattened in the SDK). */
const SUB_RESOURCE_LISTS = new Set(['securityRules', 'defaultSecurityRules', 'routes', 'subnets', 'ipConfigurations']);
/** References to other resources: only the id matters. */
const REFERENCES = new Set(['networkSecurityGroup', 'routeTable', 'subnet', 'publicIPAddress', 'virtualNetworkGateway1', 'localNetworkGateway2']);

function unflatten(v: Obj, top: Set<string>): Obj {
  const out: Obj = {};
  const props: Obj = {};
  for (const [k, x] of Object.entries(v)) {
    if (x === undefined) continue;
    let val: unknown = x;
    if (SUB_RESOURCE_LISTS.has(k) && Array.isArray(x)) val = x.map((i) => (isObj(i) ? unflatten(i, SUB_TOP_LEVEL) : i));
    else if (REFERENCES.has(k) && isObj(x)) val = x['id'] !== undefined ? { id: x['id'] } : {};
    if (top.has(k)) out[k] = val;
    else props[k] = val;
  }
  out['properties'] = props;
  return out;
}

/** SDK model → wire shape. Public IP `sku` is top-level on the wire; a gateway's `sku` is a property. */
export function fromSdk(type: string, v: unknown): Obj {
  if (!isObj(v)) return {};
  const top = type.toLowerCase().endsWith('publicipaddresses') ? new Set([...TOP_LEVEL, 'sku']) : TOP_LEVEL;
  return unflatten(v, top);
}
