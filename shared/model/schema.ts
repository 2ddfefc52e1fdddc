// The workspace schema: one admin's hybrid estate, as a versioned, Git-friendly document.
// Objects refer to each other by `id` (unique across the whole workspace) so that a diff of the file reads like a
// diff of the estate. Secrets are never values here, only names of entries in `secrets`, resolved on the host.
import { z } from 'zod';
import { isValidAddress, isValidCidr } from '../net/cidr';

export const CURRENT_SCHEMA_VERSION = 1;

/** Ids become folder names on Windows and FAT and are matched case-blind, so one pattern holds ids and references. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/;
const ID_MESSAGE = 'an id: letters, digits, ".", "_" or "-", starting with a letter or digit, at most 80 characters';
const id = z
  .string()
  .regex(ID_PATTERN, ID_MESSAGE)
  .describe('Identifier, unique across the workspace ignoring case; other objects refer to this object by it.');
const ref = (what: string) => z.string().regex(ID_PATTERN, ID_MESSAGE).describe(`The id of ${what}.`);

/**
 * Control characters (C0, DEL, C1) and the Unicode line/paragraph separators: no workspace text may contain them.
 * A line break in a name can end a comment of a generated script, a CR a batch line; none of them is ever meant.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** Every string value of a document (and every key) that holds a control character, with its path. */
export function controlCharacterPaths(doc: unknown): { path: (string | number)[]; char: number; key: boolean }[] {
  const out: { path: (string | number)[]; char: number; key: boolean }[] = [];
  // One path stack, copied only for a hit: the walk visits every value of a 16 MiB workspace.
  const path: (string | number)[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') {
      const m = CONTROL_CHARACTER.exec(v);
      if (m) out.push({ path: [...path], char: m[0].charCodeAt(0), key: false });
    } else if (Array.isArray(v))
      for (let i = 0; i < v.length; i++) {
        path.push(i);
        walk(v[i]);
        path.pop();
      }
    else if (v && typeof v === 'object')
      for (const k in v) {
        const m = CONTROL_CHARACTER.exec(k);
        if (m) out.push({ path: [...path], char: m[0].charCodeAt(0), key: true });
        path.push(k);
        walk((v as Record<string, unknown>)[k]);
        path.pop();
      }
  };
  walk(doc);
  return out;
}
const CHAR_NAMES: Record<number, string> = { 0: 'NUL', 9: 'tab', 10: 'line feed', 13: 'carriage return', 0x1b: 'escape', 0x85: 'next line', 0x2028: 'line separator', 0x2029: 'paragraph separator' };

/** The schema's rule for every string of the workspace, as located issues (the fix travels in params). */
function rejectControlCharacters(doc: unknown, ctx: z.RefinementCtx): void {
  for (const c of controlCharacterPaths(doc)) {
    const name = CHAR_NAMES[c.char];
    ctx.addIssue({
      code: 'custom',
      path: c.path,
      message: `${c.key ? 'a key' : 'the text'} holds the control character U+${c.char.toString(16).toUpperCase().padStart(4, '0')}${name ? ` (${name})` : ''}`,
      params: { fix: 'remove it: workspace text is one line of printable characters (no tabs, line breaks or other control characters)' },
    });
  }
}

const secretRef = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._/-]{0,127}$/,
    'a secret name (the value itself never goes in the workspace)',
  )
  .describe(
    'Name of an entry in `secrets`; the value lives in the OS key store or is asked for at run time.',
  );

const cidr = z
  .string()
  .refine(isValidCidr, { message: 'a CIDR prefix such as 10.0.0.0/24 or 2001:db8::/48' });
const address = z.string().refine(isValidAddress, { message: 'an IPv4 or IPv6 address such as 10.0.0.5' });
/** An interface address with its prefix length, as Windows shows it: 10.0.0.5/24. */
const interfaceAddress = z
  .string()
  .refine((s) => s.includes('/') && isValidCidr(s, { hostBitsAllowed: true }), {
    message: 'an address with its prefix length, such as 10.0.0.5/24',
  });
const port = z.number().int().min(1).max(65535);
const metric = z.number().int().min(1).max(9999);

// ── Sites, networks, hosts ───────────────────────────────────────────────────────────────────────────────

export const AzureCloud = z.enum([
  'AzurePublicCloud',
  'AzureUSGovernment',
  'AzureChinaCloud',
  'AzureStackHub',
]);

export const Site = z
  .strictObject({
    id,
    name: z.string().min(1),
    kind: z.enum(['on-premises', 'azure']),
    description: z.string().optional(),
    azure: z
      .strictObject({
        cloud: AzureCloud.default('AzurePublicCloud'),
        subscriptionId: z.string().uuid().optional(),
        resourceGroup: z.string().min(1),
        region: z.string().min(1),
        armEndpoint: z.string().url().optional().describe('Custom ARM endpoint (Azure Stack Hub).'),
      })
      .optional()
      .describe('Required when kind is "azure": where the resources of this site live.'),
  })
  .describe('A place: an on-premises datacenter or an Azure subscription/resource group/region.');

export const SubnetPurpose = z.enum([
  'general',
  'management',
  'front-end',
  'backend',
  'hnv-provider',
  'cluster',
  'dmz',
  'gateway',
]);

export const NetworkSubnet = z.strictObject({
  id,
  name: z.string().min(1),
  prefix: cidr,
  ipv6Prefix: cidr.optional(),
  purpose: SubnetPurpose.default('general'),
  gateway: address.optional().describe('The router address on this subnet.'),
});

export const Network = z
  .strictObject({
    id,
    name: z.string().min(1),
    site: ref('the on-premises site'),
    addressSpace: z.array(cidr).min(1),
    subnets: z.array(NetworkSubnet).default([]),
  })
  .describe('An on-premises routed network with its subnets. All networks of one site are routed together.');

export const HostRole = z.enum([
  'head-node',
  'license-server',
  'junction-box',
  'vmm-server',
  'hyperv-host',
  'hnv-gateway-host',
  'rd-gateway',
  'gateway-vm',
  'cyclecloud-server',
  'compute-node-group',
  'client-computer',
  'domain-controller',
]);
export type HostRole = z.infer<typeof HostRole>;

export const StaticRoute = z.strictObject({
  destination: cidr,
  nextHop: address,
  metric: metric.optional(),
  interface: z
    .string()
    .optional()
    .describe('Interface name on this host; by default the one whose subnet holds nextHop.'),
  persistent: z.boolean().default(true),
});

export const HostInterface = z.strictObject({
  name: z.string().min(1).describe('Interface alias as Windows shows it, e.g. "Management" or "Ethernet 2".'),
  subnet: ref('a subnet (on-premises network subnet or Azure VNet subnet)'),
  address: interfaceAddress
    .optional()
    .describe('Static address; omit for DHCP or per-node addresses in a group.'),
  ipv6Address: interfaceAddress.optional(),
  defaultGateway: address.optional(),
  routeMetric: metric
    .optional()
    .describe('Metric of the default route through this interface (route add ... METRIC n).'),
  interfaceMetric: metric
    .optional()
    .describe(
      'Set-NetIPInterface -InterfaceMetric; unset means automatic metric (Windows picks by link speed).',
    ),
  nsg: ref('an NSG attached to this NIC (Azure only)').optional(),
});

export const Host = z
  .strictObject({
    id,
    name: z.string().min(1).describe('Computer name (NetBIOS).'),
    fqdn: z.string().optional(),
    site: ref('the site the host lives in'),
    roles: z.array(HostRole).min(1),
    os: z.string().optional().describe('e.g. "Windows Server 2012 R2", "AlmaLinux 8".'),
    domain: z
      .strictObject({ joined: z.boolean(), name: z.string().optional() })
      .default({ joined: false })
      .describe('Active Directory membership.'),
    hpcPackVersion: z
      .enum([
        '2008R2-SP1',
        '2008R2-SP2',
        '2008R2-SP3',
        '2008R2-SP4',
        '2012',
        '2012-SP1',
        '2012-R2',
        '2016',
        '2019',
      ])
      .optional()
      .describe(
        'HPC Pack release on head nodes and client computers; decides certificate stores (seed 003).',
      ),
    count: z.number().int().min(1).optional().describe('Number of nodes, for a compute-node-group.'),
    nodeGroup: z
      .string()
      .optional()
      .describe('HPC node group name, for a compute-node-group (e.g. AzureNodes).'),
    nodeTemplate: z.string().optional().describe('HPC node template name, for a compute-node-group.'),
    physical: z
      .boolean()
      .optional()
      .describe('True for bare-metal hosts; an HNV gateway host must be physical.'),
    interfaces: z.array(HostInterface).default([]),
    staticRoutes: z.array(StaticRoute).default([]),
    notes: z.string().optional(),
  })
  .describe('A machine, or a group of identical compute nodes (role compute-node-group with a count).');

// ── Azure ────────────────────────────────────────────────────────────────────────────────────────────────

export const ServiceTag = z.enum([
  'Internet',
  'VirtualNetwork',
  'AzureLoadBalancer',
  'Storage',
  'AzureActiveDirectory',
  'AzureMonitor',
  'AzureResourceManager',
  'AzureCloud',
  'GatewayManager',
]);
export const SERVICE_TAGS: readonly string[] = ServiceTag.options;

/** A service tag, or its regional form "Tag.Region" (Storage.EastUS2); tag names compare case-blind as in ARM. */
export function isServiceTagName(s: string): boolean {
  const m = /^([A-Za-z]+)(?:\.[A-Za-z0-9]+)?$/.exec(s);
  return !!m && SERVICE_TAGS.some((t) => t.toLowerCase() === m[1]!.toLowerCase());
}

/** "*", a service tag (optionally regional, Storage.WestEurope), an address or a CIDR prefix. */
const nsgPrefix = z
  .string()
  .refine((s) => s === '*' || isServiceTagName(s) || isValidCidr(s) || isValidAddress(s), {
    message:
      '"*", a service tag (Internet, VirtualNetwork, Storage, AzureActiveDirectory, ...) or its regional form (Storage.WestEurope), an address or a CIDR',
  });
const portRange = z
  .string()
  .regex(/^(\*|\d{1,5}|\d{1,5}-\d{1,5})$/, 'a port ("443"), a range ("5672-5673") or "*"');

export const NsgRule = z.strictObject({
  name: z.string().min(1).max(80),
  priority: z.number().int().describe('100–4096; lower numbers are evaluated first.'),
  direction: z.enum(['Inbound', 'Outbound']),
  access: z.enum(['Allow', 'Deny']),
  protocol: z.enum(['Tcp', 'Udp', 'Icmp', 'Esp', 'Ah', '*']),
  sourcePrefixes: z.array(nsgPrefix).min(1).default(['*']),
  sourcePorts: z.array(portRange).min(1).default(['*']),
  destinationPrefixes: z.array(nsgPrefix).min(1).default(['*']),
  destinationPorts: z.array(portRange).min(1).default(['*']),
  description: z.string().optional(),
});
export type NsgRule = z.infer<typeof NsgRule>;

export const Nsg = z.strictObject({
  id,
  name: z.string().min(1),
  site: ref('the Azure site'),
  rules: z.array(NsgRule).default([]),
});

export const Route = z.strictObject({
  name: z.string().min(1),
  addressPrefix: z.string().describe('A CIDR prefix or a service tag.'),
  nextHopType: z.enum(['VirtualNetworkGateway', 'VnetLocal', 'Internet', 'VirtualAppliance', 'None']),
  nextHopIpAddress: address.optional(),
});

export const RouteTable = z.strictObject({
  id,
  name: z.string().min(1),
  site: ref('the Azure site'),
  disableBgpRoutePropagation: z.boolean().default(false),
  routes: z.array(Route).default([]),
});

export const AzureSubnet = z.strictObject({
  id,
  name: z.string().min(1),
  prefix: cidr,
  purpose: SubnetPurpose.default('general'),
  nsg: ref('an NSG').optional(),
  routeTable: ref('a route table').optional(),
  serviceEndpoints: z.array(z.string().regex(/^Microsoft\.[A-Za-z]+$/, 'e.g. Microsoft.Storage')).default([]),
});

export const VNet = z.strictObject({
  id,
  name: z.string().min(1),
  site: ref('the Azure site'),
  addressSpace: z.array(cidr).min(1),
  subnets: z.array(AzureSubnet).default([]),
});

const bgpSettings = z.strictObject({
  asn: z.number().int().min(1).max(4294967295),
  peeringAddress: address,
});

export const VpnGateway = z.strictObject({
  id,
  name: z.string().min(1),
  vnet: ref('the VNet (its GatewaySubnet)'),
  sku: z.string().default('VpnGw1'),
  vpnType: z.enum(['RouteBased', 'PolicyBased']).default('RouteBased'),
  publicIpAddress: address.optional(),
  bgp: bgpSettings.optional(),
  create: z.boolean().default(false).describe('Whether Junction should create it (slow: tens of minutes).'),
});

export const LocalNetworkGateway = z.strictObject({
  id,
  name: z.string().min(1),
  site: ref('the Azure site the resource lives in'),
  represents: ref('the on-premises site behind this gateway'),
  gatewayIpAddress: address,
  addressPrefixes: z.array(cidr).default([]),
  bgp: bgpSettings.optional(),
});

export const IpsecPolicy = z.strictObject({
  saLifeTimeSeconds: z.number().int().min(300).default(27000),
  saDataSizeKilobytes: z.number().int().min(0).default(102400000),
  ipsecEncryption: z.enum([
    'None',
    'DES',
    'DES3',
    'AES128',
    'AES192',
    'AES256',
    'GCMAES128',
    'GCMAES192',
    'GCMAES256',
  ]),
  ipsecIntegrity: z.enum(['MD5', 'SHA1', 'SHA256', 'GCMAES128', 'GCMAES192', 'GCMAES256']),
  ikeEncryption: z.enum(['DES', 'DES3', 'AES128', 'AES192', 'AES256', 'GCMAES256', 'GCMAES128']),
  ikeIntegrity: z.enum(['MD5', 'SHA1', 'SHA256', 'SHA384', 'GCMAES256', 'GCMAES128']),
  dhGroup: z.enum([
    'None',
    'DHGroup1',
    'DHGroup2',
    'DHGroup14',
    'DHGroup2048',
    'ECP256',
    'ECP384',
    'DHGroup24',
  ]),
  pfsGroup: z.enum(['None', 'PFS1', 'PFS2', 'PFS2048', 'ECP256', 'ECP384', 'PFS24', 'PFS14', 'PFSMM']),
});

export const VpnConnection = z.strictObject({
  id,
  name: z.string().min(1),
  vpnGateway: ref('the Azure VPN gateway'),
  localNetworkGateway: ref('the local network gateway'),
  connectionProtocol: z.enum(['IKEv1', 'IKEv2']).default('IKEv2'),
  sharedKeyRef: secretRef.optional(),
  enableBgp: z.boolean().default(false),
  ipsecPolicy: IpsecPolicy.optional(),
});

export const Azure = z
  .strictObject({
    vnets: z.array(VNet).default([]),
    nsgs: z.array(Nsg).default([]),
    routeTables: z.array(RouteTable).default([]),
    vpnGateways: z.array(VpnGateway).default([]),
    localNetworkGateways: z.array(LocalNetworkGateway).default([]),
    connections: z.array(VpnConnection).default([]),
  })
  .default({
    vnets: [],
    nsgs: [],
    routeTables: [],
    vpnGateways: [],
    localNetworkGateways: [],
    connections: [],
  });

// ── License Link (seed 000) ──────────────────────────────────────────────────────────────────────────────

export const LicenseLink = z
  .strictObject({
    id,
    name: z.string().min(1),
    junctionBox: ref('the junction box host'),
    licenseServer: ref('the license server host'),
    licensePorts: z
      .array(port)
      .min(1)
      .describe('TCP ports the license server listens on (e.g. FlexNet 27000, vendor 27001).'),
    nodeGroup: ref('the compute-node-group host the link serves'),
    ipv6Transport: z
      .enum(['azure-connect', 'site-to-site'])
      .default('azure-connect')
      .describe('What carries the encrypted IPv6 leg between the nodes and the junction box.'),
    vpn: z.strictObject({
      type: z.literal('l2tp-psk'),
      pskRef: secretRef,
      clientAddressPool: z
        .strictObject({ start: address, end: address })
        .describe('IPv4 addresses the junction box hands to dialled-in nodes.'),
      connectionName: z.string().min(1).default('LicenseLink'),
    }),
    ipv6Prefix: z
      .string()
      .describe(
        'IPv6 prefix the RRAS server assigns to clients; the seed uses three groups ending in "::", e.g. 2011:1234:5678::',
      ),
    relayAccount: z.strictObject({
      name: z.string().min(1).max(20),
      passwordRef: secretRef,
      administrator: z.boolean().default(false),
      dialInPermitted: z.boolean().default(true),
    }),
    nodeSetup: z.strictObject({
      delivery: z
        .enum(['startup-script', 'manual'])
        .describe(
          'startup-script: run by the node template at every provisioning, so re-serviced nodes reconnect.',
        ),
      reconnectAtBoot: z.boolean().default(true),
    }),
  })
  .describe('Azure compute nodes reach an on-premises license server through an L2TP VPN on a junction box.');

// ── Hyper-V Network Virtualization (seed 004) ────────────────────────────────────────────────────────────

export const IpPool = z.strictObject({
  name: z.string().min(1),
  subnet: cidr,
  start: address,
  end: address,
});

export const LogicalNetwork = z.strictObject({
  id,
  name: z.string().min(1),
  networkVirtualization: z
    .boolean()
    .default(false)
    .describe('Allow HNV on top of this network (the PA space).'),
  purpose: z.enum(['external', 'management', 'hnv-provider', 'other']).default('other'),
  subnets: z.array(cidr).default([]),
  ipPools: z.array(IpPool).default([]),
});

export const VirtualSubnet = z.strictObject({
  name: z.string().min(1),
  prefix: cidr,
  vsid: z.number().int().describe('Virtual subnet id: 4096–16777214.'),
  ipPool: z
    .strictObject({ start: address, end: address })
    .optional()
    .describe('Static IP pool VMM hands out in this VM subnet (New-SCStaticIPAddressPool -VMSubnet).'),
});

export const VmNetwork = z
  .strictObject({
    id,
    name: z.string().min(1),
    logicalNetwork: ref('the HNV provider logical network'),
    routingDomainId: z.string().uuid().optional().describe('RDID (GUID); VMM assigns one when omitted.'),
    subnets: z.array(VirtualSubnet).min(1),
  })
  .describe('A customer (tenant) network; isolated, so its addresses may overlap other VM networks.');

export const HnvGateway = z.strictObject({
  id,
  name: z.string().min(1),
  host: ref('the Hyper-V host that runs the gateway VM'),
  gatewayVm: ref('the gateway VM host'),
  backendSwitch: z
    .string()
    .min(1)
    .describe('Name of the virtual switch on the host that connects the backend vNIC.'),
  directRoutingMode: z.boolean().default(false),
  runAsAccount: z.string().min(1).describe('VMM Run As account with admin rights on the gateway VM.'),
  hostGroup: z.string().default('All Hosts'),
  connectionString: z
    .string()
    .optional()
    .describe('As typed into VMM; Junction derives it when omitted and lints it when given.'),
  frontEnd: z.strictObject({
    logicalNetwork: ref('the external logical network'),
    adapter: z.string().default('FrontEnd'),
  }),
  backEnd: z.strictObject({
    logicalNetwork: ref('the HNV provider logical network'),
    adapter: z.string().default('BackEnd'),
  }),
});

export const NatConnection = z.strictObject({
  id,
  name: z.string().min(1),
  vmNetwork: ref('the VM network'),
  gateway: ref('the HNV gateway'),
  externalIp: address.optional().describe('Chosen from the pool; VMM picks one when omitted.'),
  pool: z.strictObject({ logicalNetwork: ref('the external logical network'), name: z.string().min(1) }),
});

export const S2sConnection = z.strictObject({
  id,
  name: z.string().min(1),
  vmNetwork: ref('the VM network'),
  gateway: ref('the HNV gateway'),
  targetAddress: address.describe('Public address of the VPN device on the customer side.'),
  protocol: z.enum(['IKEv2']).default('IKEv2'),
  authentication: z.enum(['PSKOnly']).default('PSKOnly'),
  pskRef: secretRef.optional().describe('Run As account (secret) holding the pre-shared key.'),
  routes: z.array(cidr).default([]),
  bgp: z
    .strictObject({
      localAsn: z.number().int().min(1),
      peerAsn: z.number().int().min(1),
      peerAddress: address,
    })
    .optional(),
});

export const Hnv = z
  .strictObject({
    logicalNetworks: z.array(LogicalNetwork).default([]),
    vmNetworks: z.array(VmNetwork).default([]),
    gateways: z.array(HnvGateway).default([]),
    natConnections: z.array(NatConnection).default([]),
    s2sConnections: z.array(S2sConnection).default([]),
  })
  .default({ logicalNetworks: [], vmNetworks: [], gateways: [], natConnections: [], s2sConnections: [] });

// ── CycleCloud (seed 002) ────────────────────────────────────────────────────────────────────────────────

export const CycleCloudProject = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/),
  version: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/),
  source: z.strictObject({
    type: z.literal('github'),
    repo: z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'owner/name'),
    tag: z.string().min(1),
  }),
});

export const CycleCloud = z.strictObject({
  id,
  name: z.string().min(1),
  server: ref('the cyclecloud-server host'),
  serverSubnet: ref('the Azure subnet of the CycleCloud VM'),
  clusterSubnets: z.array(ref('an Azure subnet that runs cluster nodes')).default([]),
  lockedDown: z
    .boolean()
    .default(false)
    .describe('No general outbound Internet: NSG service-tag rules only (seed 002).'),
  returnProxy: z.boolean().default(false),
  projects: z.array(CycleCloudProject).default([]),
});

// ── Certificates (seeds 001, 003) ────────────────────────────────────────────────────────────────────────

export const CertStore = z.enum([
  'LocalMachine\\My',
  'LocalMachine\\Root',
  'CurrentUser\\My',
  'CurrentUser\\Root',
  'AzureSubscription',
  'VMMDatabase',
]);
export type CertStore = z.infer<typeof CertStore>;

export const KeyUsage = z.enum([
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
]);

export const CertificatePlacement = z.strictObject({
  host: ref('the host (or "azure-subscription" for the subscription upload)'),
  store: CertStore,
  form: z.enum(['pfx', 'cer']).describe('pfx carries the private key; cer is the public certificate only.'),
});

export const Certificate = z.strictObject({
  id,
  name: z.string().min(1),
  purpose: z.enum(['hpc-management', 'remote-console', 'rd-gateway-tls', 'ca']),
  subject: z
    .string()
    .regex(/^CN=.+/, 'a distinguished name starting with CN=, e.g. "CN=Remote Console Connect"'),
  issuer: z
    .string()
    .default('self')
    .describe(
      '"self" (self-signed), "trusted-ca" (a public or enterprise CA the machines already trust), or the id of a workspace certificate with purpose "ca".',
    ),
  notBefore: z.string().datetime({ offset: true }).optional(),
  notAfter: z.string().datetime({ offset: true }),
  keyAlgorithm: z.enum(['RSA', 'ECDSA']).default('RSA'),
  keySize: z.number().int().min(256),
  signatureHash: z.enum(['sha1', 'sha256', 'sha384', 'sha512']),
  keyUsage: z.array(KeyUsage).default([]),
  extendedKeyUsage: z
    .array(z.string().regex(/^\d+(\.\d+)+$/, 'an OID such as 1.3.6.1.5.5.7.3.2'))
    .default([]),
  subjectAltNames: z.array(z.string()).default([]),
  thumbprint: z
    .string()
    .optional()
    .describe('SHA-1 of the DER certificate as Windows shows it: 40 hexadecimal digits, no spaces.'),
  pfxPasswordRef: secretRef.optional(),
  placements: z.array(CertificatePlacement).default([]),
});
export type Certificate = z.infer<typeof Certificate>;

export const SecretDecl = z.strictObject({
  name: secretRef,
  kind: z.enum(['pre-shared-key', 'password', 'pfx-password', 'token']),
  description: z.string().optional(),
});

// ── Reachability intents (issue 20) ──────────────────────────────────────────────────────────────────────

export const Intent = z
  .strictObject({
    from: z.string().min(1).describe('A host id, name or FQDN, a subnet id (a node of that subnet), or an address.'),
    to: z
      .string()
      .min(1)
      .describe('A host id, name or FQDN, a subnet id, an address, or a service tag (Internet, Storage, ...).'),
    port: port,
    proto: z.enum(['tcp', 'udp']).default('tcp'),
    expect: z.enum(['reachable', 'blocked']).describe('"blocked" also accepts no route.'),
    why: z.string().min(1).describe('Why the estate needs this, as the admin would say it.'),
  })
  .describe('A flow the admin asserts: checked by `junction reach --intents` and by lint (FLOW002).');
export type Intent = z.infer<typeof Intent>;

// ── The workspace ────────────────────────────────────────────────────────────────────────────────────────

export const Workspace = z
  .strictObject({
    $schema: z.string().optional(),
    schemaVersion: z.literal(CURRENT_SCHEMA_VERSION),
    name: z.string().min(1),
    description: z.string().optional(),
    sites: z.array(Site).min(1),
    networks: z.array(Network).default([]),
    hosts: z.array(Host).default([]),
    azure: Azure,
    licenseLinks: z.array(LicenseLink).default([]),
    hnv: Hnv,
    cycleCloud: z.array(CycleCloud).default([]),
    certificates: z.array(Certificate).default([]),
    secrets: z.array(SecretDecl).default([]),
    intents: z.array(Intent).default([]),
  })
  // Run whatever else is wrong (when), so every control character is reported with the other problems.
  .superRefine(rejectControlCharacters, { when: () => true })
  .describe('A Junction workspace: one hybrid estate (on-premises HPC/Windows networks joined to Azure).');

export type Workspace = z.infer<typeof Workspace>;
export type WorkspaceInput = z.input<typeof Workspace>;
export type Host = z.infer<typeof Host>;
export type HostInterface = z.infer<typeof HostInterface>;
export type Site = z.infer<typeof Site>;
export type Network = z.infer<typeof Network>;
export type VNet = z.infer<typeof VNet>;
export type AzureSubnet = z.infer<typeof AzureSubnet>;
export type Nsg = z.infer<typeof Nsg>;
export type RouteTable = z.infer<typeof RouteTable>;
export type LicenseLink = z.infer<typeof LicenseLink>;
export type VmNetwork = z.infer<typeof VmNetwork>;
export type HnvGateway = z.infer<typeof HnvGateway>;
export type CycleCloud = z.infer<typeof CycleCloud>;
export type LogicalNetwork = z.infer<typeof LogicalNetwork>;
