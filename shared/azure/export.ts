// The same desired state for someone else to deploy from a connected machine: an ARM template per resource group
// (`az deployment group create`) and a bash script of `az rest` calls (shared/azure/az-script.ts).
import { API_VERSION, ARM_TYPES, OWNER_TAG, parseArmId, referencedGateways, type DesiredResource } from './desired';
import { renderSh, shq as shWord } from '../generate/sh';
import { armExprString, armLiteral } from '../generate/escape';
import { CLOSING_LINES, ensureLines, preambleLines, secretEnvVar } from './az-script';

export interface ArmTemplateFile {
  subscriptionId: string;
  resourceGroup: string;
  template: Record<string, unknown>;
}

/** Template parameter name for a secret: letters and digits only. */
export function secretParameter(secret: string): string {
  return secret.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''));
}

export { secretEnvVar };

/** Template parameter naming an existing resource the template refers to but does not deploy. */
function existingParameter(type: string, name: string): string {
  return `existing${type.replace(/^Microsoft\.Network\//, '').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : '')).replace(/^./, (c) => c.toUpperCase())}${secretParameter(name).replace(/^./, (c) => c.toUpperCase())}`;
}

export interface Localiser {
  sub: string;
  rg: string;
  /** Lower-cased ARM ids of the top-level resources the template deploys. */
  inTemplate: Set<string>;
  /** Parameters added for existing resources, by name. */
  parameters: Record<string, unknown>;
}

const armString = armExprString;

/**
 * Same-group references become resourceId() expressions so the template deploys into any group of that name. A
 * reference to a resource the template does not deploy (a VPN gateway with create: false) goes through a parameter
 * that says it must exist, so every resourceId() resolves inside the template or to a documented existing resource.
 */
function localise(v: unknown, c: Localiser): unknown {
  if (Array.isArray(v)) return v.map((x) => localise(x, c));
  if (!v || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    if (k === 'id' && typeof x === 'string') {
      const p = parseArmId(x);
      if (p && p.subscriptionId === c.sub && p.resourceGroup.toLowerCase() === c.rg.toLowerCase()) {
        const rest = x.slice(x.toLowerCase().indexOf(`/${p.type.toLowerCase()}/${p.name.toLowerCase()}`) + p.type.length + p.name.length + 2);
        const child = rest.split('/').filter(Boolean); // e.g. subnets/GatewaySubnet
        const type = [`Microsoft.Network/${p.type}`, ...child.filter((_, i) => i % 2 === 0)].join('/');
        const top = `/subscriptions/${p.subscriptionId}/resourceGroups/${p.resourceGroup}/providers/Microsoft.Network/${p.type}/${p.name}`.toLowerCase();
        let first = armString(p.name);
        if (!c.inTemplate.has(top)) {
          const param = existingParameter(p.type, p.name);
          c.parameters[param] = {
            type: 'string',
            defaultValue: armLiteral(p.name),
            metadata: { description: `Name of the existing Microsoft.Network/${p.type} this template refers to but does not deploy (in the workspace but not created by Junction): it must exist in the resource group before deployment.` },
          };
          first = `parameters('${param}')`;
        }
        const names = [first, ...child.filter((_, i) => i % 2 === 1).map(armString)];
        out[k] = `[resourceId('${type}', ${names.join(', ')})]`;
        continue;
      }
    }
    out[k] = typeof x === 'string' ? armLiteral(x) : localise(x, c);
  }
  return out;
}

/** The template parameter that lists existing resources to leave alone, as `azure apply` leaves unowned ones. */
export const NOT_OWNED_PARAMETER = 'notOwned';

export const NOT_OWNED_PARAMETER_DEFINITION = {
  type: 'array',
  defaultValue: [],
  metadata: {
    description: `Names of resources that already exist without the tag ${OWNER_TAG}=<workspace> and must be left as they are (junction azure apply and the az script leave them; run the script with --dry-run to list them). Every other resource in this template is deployed as the workspace says: rules, routes and subnets not in the workspace are removed from it.`,
  },
} as const;

/** One template resource for a desired resource: deployed unless named in notOwned. */
export function templateResource(r: DesiredResource, c: Localiser, parameters: Record<string, unknown>): Record<string, unknown> {
  const properties = localise(r.body.properties, c) as Record<string, unknown>;
  for (const [prop, secret] of Object.entries(r.secrets)) {
    parameters[secretParameter(secret)] = { type: 'securestring', metadata: { description: `Junction secret "${secret}"` } };
    properties[prop] = `[parameters('${secretParameter(secret)}')]`;
  }
  const deps = r.dependsOn.filter((d) => c.inTemplate.has(d.toLowerCase()));
  return {
    condition: `[not(contains(parameters('${NOT_OWNED_PARAMETER}'), ${armString(r.name)}))]`,
    type: `Microsoft.Network/${ARM_TYPES[r.kind]}`,
    apiVersion: API_VERSION,
    name: armLiteral(r.name),
    location: armLiteral(r.body.location),
    tags: Object.fromEntries(Object.entries(r.body.tags).map(([k, v]) => [k, armLiteral(v)])),
    ...(r.body.sku ? { sku: r.body.sku } : {}),
    ...(deps.length ? { dependsOn: deps.map((d) => (localise({ id: d }, c) as { id: string }).id) } : {}),
    properties,
  };
}

/** A localiser for the resources one template deploys. */
export function localiserFor(rs: readonly DesiredResource[], parameters: Record<string, unknown>): Localiser {
  return { sub: rs[0]?.subscriptionId ?? '', rg: rs[0]?.resourceGroup ?? '', inTemplate: new Set(rs.map((r) => r.armId.toLowerCase())), parameters };
}

export function exportArmTemplates(resources: readonly DesiredResource[]): ArmTemplateFile[] {
  const groups = new Map<string, DesiredResource[]>();
  for (const r of resources) {
    const key = `${r.subscriptionId}/${r.resourceGroup}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups.values()].map((rs) => {
    const { subscriptionId, resourceGroup } = rs[0]!;
    const parameters: Record<string, unknown> = { [NOT_OWNED_PARAMETER]: NOT_OWNED_PARAMETER_DEFINITION };
    const c = localiserFor(rs, parameters);
    const armResources = rs.map((r) => templateResource(r, c, parameters));
    return {
      subscriptionId,
      resourceGroup,
      template: {
        $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
        contentVersion: '1.0.0.0',
        metadata: { generator: 'junction' },
        parameters,
        resources: armResources,
      },
    };
  });
}

/** POSIX single-quoting: safe for any value. */
export function shq(s: string | number | boolean): string {
  return shWord(String(s));
}

/**
 * The same desired state as a bash script for a connected machine: every resource read first and PUT (from a 0600
 * temp file) only when it is missing or differs, resources that exist without the ownership tag left alone unless
 * --allow-unowned names them (as `azure apply`), --dry-run only reads, and the exit codes of the generated scripts.
 */
export function exportCliScript(resources: readonly DesiredResource[], workspaceName: string): string {
  const secrets = [...new Set(resources.flatMap((r) => Object.values(r.secrets)))];
  const required = referencedGateways(resources);
  const body = [
    ...preambleLines(resources.map((r) => r.subscriptionId), secrets, workspaceName),
    ...required.map((id) => `require ${shWord(id)} ${shWord(`the VPN gateway ${parseArmId(id)?.name ?? id} (create: false in the workspace: someone else creates it)`)}`),
    ...ensureLines(resources),
    ...CLOSING_LINES,
  ];
  return renderSh({
    synopsis: `Applies the Azure network resources of workspace ${JSON.stringify(workspaceName)} with the Azure CLI (az rest).`,
    description: [
      'Each resource is read first; a missing one is created, one that differs is replaced by the workspace body (PUT), one that matches is left alone.',
      `Resources that exist without the tag ${OWNER_TAG}=<workspace> are not changed unless named with --allow-unowned NAME[,NAME] (junction azure apply does the same).`,
      'Rules, routes and subnets not in the workspace are removed from the resources Junction owns: the ARM template and azure apply do the same.',
      'Request bodies go to az in a 0600 file under a private temp folder (az rest --body @file), removed at exit: shared keys never appear on a command line.',
    ],
    runsOn: 'a connected admin machine with Azure CLI 2.x signed in (az login)',
    runAs: 'an account with Network Contributor on the resource groups',
    prerequisites: ['Azure CLI (az)', ...secrets.map((s) => `${secretEnvVar(s)} set to the value of secret ${s} (not needed for --dry-run)`)],
    runbookStep: 'junction azure export --format cli',
    workspace: workspaceName,
    logName: 'junction-azure-export',
    options: [{ flag: '--allow-unowned', variable: 'ALLOW_UNOWNED', help: 'comma-separated names of existing resources without the ownership tag to take over', default: '' }],
    body,
  });
}
