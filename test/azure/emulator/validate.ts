// The ARM emulator's write-time refusals: what Microsoft.Network answers 400 to, with ARM's error body
// ({ error: { code, message, details } }, the ErrorResponse shape of the REST specs' common types). Written from
// Microsoft's documentation of the constraint and from ARM's answers as quoted in public issue threads, not from
// Junction's lint rules, so that the lint rules and apply's handling of a refusal are each checked against ARM:
// - NSG rules: priority 100–4096, no two rules with one priority and direction, names, ports 0–65535, and no service
//   tag or "*" in the plural address fields (network-security-groups-overview#security-rules; the
//   SecurityRuleParameterContainsUnsupportedValue answer quoted in hashicorp/terraform-provider-azurerm#5617, the
//   SecurityRuleInvalidPriority / SecurityRuleConflict answers of `az network nsg rule create`).
// - Subnets: /29 or larger, inside the VNet, not overlapping (virtual-networks-faq; NetcfgSubnetRangeOutsideVnet and
//   NetcfgSubnetRangesOverlap as quoted in MicrosoftDocs/azure-docs#123869, NetcfgInvalidSubnet in
//   Azure/Azure-Landing-Zones#3420).
// - Gateways: the ip configuration's subnet must exist in its VNet (the gateway goes into GatewaySubnet,
//   vpn-gateway-about-vpn-gateway-settings#gwsub); ARM's InvalidResourceReference answer otherwise. Only judged when
//   the emulator holds that VNet.
import { containsCidr, overlapCidr, parseCidr } from 'cidr-tools';

type Obj = Record<string, unknown>;

export interface ArmRefusal {
  error: { code: string; message: string; details: Obj[] };
}

const refuse = (code: string, message: string): ArmRefusal => ({ error: { code, message, details: [] } });

/** ARM's naming rule for Microsoft.Network resources (resource-name-rules#microsoftnetwork). */
const NAME = /^\w([\w.-]{0,78}\w)?$/u;
const nameMessage = (name: string) =>
  `Resource name ${name} is invalid. The name can be up to 80 characters long. It must begin with a word character, and it must end with a word character or with '_'. The name may contain word characters or '.', '-', '_'.`;

const PLURAL_PREFIXES = [
  ['sourceAddressPrefixes', 'SourceAddressPrefixes'],
  ['destinationAddressPrefixes', 'DestinationAddressPrefixes'],
] as const;
const PORT_FIELDS = [
  ['sourcePortRange', 'sourcePortRanges'],
  ['destinationPortRange', 'destinationPortRanges'],
] as const;

/** A CIDR prefix or a bare address, as ARM reads an address prefix; anything else is a tag (or "*"). */
function isAddressOrPrefix(v: string): boolean {
  try {
    parseCidr(v);
    return true;
  } catch {
    return false;
  }
}

function portOk(v: string): boolean {
  if (v === '*') return true;
  const m = /^(\d+)(?:-(\d+))?$/.exec(v);
  if (!m) return false;
  const lo = Number(m[1]);
  const hi = m[2] === undefined ? lo : Number(m[2]);
  return lo <= 65535 && hi <= 65535 && lo <= hi;
}

function securityRules(nsgId: string, props: Obj): ArmRefusal | undefined {
  const rules = (props['securityRules'] as Obj[] | undefined) ?? [];
  const seen = new Map<string, string>();
  for (const r of rules) {
    const name = String(r['name']);
    const p = (r['properties'] as Obj) ?? {};
    const ruleId = `${nsgId}/securityRules/${name}`;
    if (!NAME.test(name)) return refuse('InvalidResourceName', nameMessage(name));
    const priority = Number(p['priority']);
    if (!Number.isInteger(priority) || priority < 100 || priority > 4096)
      return refuse('SecurityRuleInvalidPriority', `Security rule has invalid Priority. Value provided: ${String(p['priority'])} Allowed range 100-4096.`);
    const key = `${String(p['direction'])}:${priority}`;
    const clash = seen.get(key);
    if (clash !== undefined)
      return refuse('SecurityRuleConflict', `Security rule ${name} conflicts with rule ${clash}. Rules cannot have the same Priority and Direction. To learn more, see aka.ms/nsgrules.`);
    seen.set(key, name);
    for (const [field, shown] of PLURAL_PREFIXES) {
      const bad = ((p[field] as string[] | undefined) ?? []).find((v) => !isAddressOrPrefix(v));
      if (bad !== undefined)
        return refuse(
          'SecurityRuleParameterContainsUnsupportedValue',
          `Security rule parameter ${shown} for rule with Id ${ruleId} cannot specify existing VIRTUALNETWORK, INTERNET, AZURELOADBALANCER, '*' or system tags. Unsupported value used: ${bad}.`,
        );
    }
    for (const [one, many] of PORT_FIELDS) {
      const values = [...(typeof p[one] === 'string' ? [p[one] as string] : []), ...((p[many] as string[] | undefined) ?? [])];
      const bad = values.find((v) => !portOk(v));
      if (bad !== undefined)
        return refuse('SecurityRuleInvalidPortRange', `Security rule has invalid Port range. Value provided: ${bad}. Value should be an integer OR integer range with '-' delimiter. Valid range 0-65535.`);
    }
  }
  return undefined;
}

function subnets(vnetName: string, props: Obj): ArmRefusal | undefined {
  const space = (((props['addressSpace'] as Obj) ?? {})['addressPrefixes'] as string[] | undefined) ?? [];
  const list = (props['subnets'] as Obj[] | undefined) ?? [];
  const placed: string[] = [];
  for (const s of list) {
    const name = String(s['name']);
    const prefix = String(((s['properties'] as Obj) ?? {})['addressPrefix'] ?? '');
    if (!NAME.test(name)) return refuse('InvalidResourceName', nameMessage(name));
    const p = parseCidr(prefix);
    const length = Number(p.prefix);
    if ((p.version === 4 && length > 29) || (p.version === 6 && length !== 64))
      return refuse('NetcfgInvalidSubnet', `Subnet '${name}' is not valid in virtual network '${vnetName}'.`);
    if (!space.some((a) => parseCidr(a).version === p.version && containsCidr(a, prefix)))
      return refuse('NetcfgSubnetRangeOutsideVnet', `Subnet '${name}' is not valid because its IP address range is outside the IP address range of virtual network '${vnetName}'.`);
    if (placed.some((q) => parseCidr(q).version === p.version && overlapCidr(q, prefix)))
      return refuse('NetcfgSubnetRangesOverlap', `Subnet '${name}' is not valid because its IP address range overlaps with that of an existing subnet in virtual network '${vnetName}'.`);
    placed.push(prefix);
  }
  return undefined;
}

function gatewaySubnet(gatewayId: string, props: Obj, get: (id: string) => Obj | undefined): ArmRefusal | undefined {
  for (const c of (props['ipConfigurations'] as Obj[] | undefined) ?? []) {
    const subnetId = String((((c['properties'] as Obj) ?? {})['subnet'] as Obj | undefined)?.['id'] ?? '');
    const m = /^(.*\/virtualNetworks\/[^/]+)\/subnets\/([^/]+)$/i.exec(subnetId);
    const vnet = m ? get(m[1]!) : undefined;
    const found = ((vnet?.['properties'] as Obj | undefined)?.['subnets'] as Obj[] | undefined)?.some(
      (s) => String(s['name']).toLowerCase() === m![2]!.toLowerCase(),
    );
    // A VNet this emulator has not seen (a template deployment's ordering, a test's bare gateway) is not judged.
    if (vnet && !found)
      return refuse(
        'InvalidResourceReference',
        `Resource ${subnetId} referenced by resource ${gatewayId} was not found. Please make sure that the referenced resource exists, and that both resources are in the same region.`,
      );
  }
  return undefined;
}

/** ARM's answer to a PUT of `type` (networkSecurityGroups, virtualNetworks, ...): a refusal, or undefined to accept. */
export function refuseWrite(type: string, id: string, name: string, input: Obj, get: (id: string) => Obj | undefined): ArmRefusal | undefined {
  const props = (input['properties'] as Obj | undefined) ?? {};
  if (!NAME.test(name)) return refuse('InvalidResourceName', nameMessage(name));
  switch (type.toLowerCase()) {
    case 'networksecuritygroups':
      return securityRules(id, props);
    case 'virtualnetworks':
      return subnets(name, props);
    case 'virtualnetworkgateways':
      return gatewaySubnet(id, props, get);
    default:
      return undefined;
  }
}
