// Where in the workspace an ARM refusal points. ARM's message names the child it objects to (a security rule by id or
// name, a subnet by name) and often the parameter; the desired resource knows which workspace object it was built
// from, in the same order. Together they give the admin the field to fix, not just Azure's wording.
import type { DesiredResource } from './desired';

type Obj = Record<string, unknown>;
const children = (r: DesiredResource, key: string): Obj[] => (r.body.properties[key] as Obj[] | undefined) ?? [];

/** ARM's parameter names for one security rule → the workspace rule's field. */
const RULE_FIELDS: [RegExp, string][] = [
  [/\bSourceAddressPrefix(es)?\b/i, 'sourcePrefixes'],
  [/\bDestinationAddressPrefix(es)?\b/i, 'destinationPrefixes'],
  [/\bPriority\b/, 'priority'],
];

function nsgPlace(r: DesiredResource, code: string, message: string): string | undefined {
  const rules = children(r, 'securityRules');
  const props = (x: Obj) => (x['properties'] as Obj) ?? {};
  const named = /securityRules\/([^/\s]+?)\.?(?:\s|$)/.exec(message)?.[1] ?? /Security rule (\S+) conflicts/.exec(message)?.[1] ?? /Resource name (.+) is invalid\./.exec(message)?.[1];
  let j = named !== undefined ? rules.findIndex((x) => String(x['name']) === named) : -1;
  const value = /Value provided: (\S+?)\.?(?:\s|$)/.exec(message)?.[1];
  if (j < 0 && value !== undefined && code === 'SecurityRuleInvalidPriority') j = rules.findIndex((x) => String(props(x)['priority']) === value);
  let field = code === 'InvalidResourceName' ? 'name' : RULE_FIELDS.find(([re]) => re.test(message))?.[1];
  if (code === 'SecurityRuleInvalidPortRange' && value !== undefined) {
    const has = (x: Obj, one: string, many: string) => props(x)[one] === value || ((props(x)[many] as string[] | undefined) ?? []).includes(value);
    j = rules.findIndex((x) => has(x, 'sourcePortRange', 'sourcePortRanges') || has(x, 'destinationPortRange', 'destinationPortRanges'));
    if (j >= 0) field = has(rules[j]!, 'destinationPortRange', 'destinationPortRanges') ? 'destinationPorts' : 'sourcePorts';
  }
  if (j < 0) return undefined;
  return `.rules[${j}]${field ? `.${field}` : ''}`;
}

function vnetPlace(r: DesiredResource, code: string, message: string): string | undefined {
  const name = /Subnet '([^']+)'/.exec(message)?.[1] ?? /Resource name (.+) is invalid\./.exec(message)?.[1];
  const j = name !== undefined ? children(r, 'subnets').findIndex((x) => String(x['name']) === name) : -1;
  if (j < 0) return undefined;
  return `.subnets[${j}].${code === 'InvalidResourceName' ? 'name' : 'prefix'}`;
}

/** "$.azure.nsgs[0].rules[0].destinationPrefixes" for a refusal of that rule's destination, or the resource itself. */
export function refusalPlace(resource: DesiredResource | undefined, code: string, message: string): string | undefined {
  if (!resource) return undefined;
  const inner =
    resource.kind === 'nsg'
      ? nsgPlace(resource, code, message)
      : resource.kind === 'vnet'
        ? vnetPlace(resource, code, message)
        : resource.kind === 'vpnGateway' && code === 'InvalidResourceReference'
          ? '.vnet'
          : undefined;
  return `${resource.source}${inner ?? ''}`;
}
