// `junction azure import <workspace> --subscription ID --resource-group RG [--site ID] [--json]`. The connection
// flags and sign-in are plan's own (passed in from azure.ts so both stay one implementation).
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { readFile } from 'node:fs/promises';
import { loadWorkspace } from '../../../shared/model/load';
import type { CliIo } from '../io';
import { CliError } from '../io';
import type { Workspace } from '../../../shared/model/schema';
import type { ConnectionSettings, TokenCredential } from '../../azure/connection';
import { Clients } from '../../azure/engine';
import { importAzure, type ImportReport } from '../../azure/import';
import { AzureError, probe } from '../../azure/session';

export const IMPORT_USAGE = `  junction azure import <workspace> --subscription ID --resource-group RG [--site ID] [--json]
      Reads the VNets, subnets, NSGs and rules, route tables, VPN and local network gateways and connections of
      one resource group and writes them into the workspace: a new file, or merged into an existing one (its
      hand-written fields, ids and layout kept; only what Azure holds differently is rewritten). Shared keys are
      never read: each connection gets a secret reference declared under "secrets". Afterwards
      \`junction azure plan\` shows no changes for that group (resources without the junction-owned tag of the
      workspace's name are listed as ignored). --site puts everything on that Azure site.`;

type Values = Record<string, string | boolean | string[] | undefined>;
export interface ImportDeps {
  options: Record<string, { type: 'string' | 'boolean' }>;
  settingsFor(values: Values, io: CliIo, ws: Workspace | undefined, offlineOk?: boolean): Promise<ConnectionSettings>;
  credentialFor(settings: ConnectionSettings, io: CliIo): Promise<TokenCredential>;
}

export function formatImport(r: ImportReport): string {
  const lines = [
    `${r.created ? 'Created' : r.written ? 'Updated' : 'Unchanged:'} ${r.file}: ${r.added.length} added, ${r.updated.length} updated, ${r.unchanged.length} already matching.`,
  ];
  for (const a of r.added) lines.push(`  + ${a}`);
  for (const u of r.updated) lines.push(`  ~ ${u}`);
  for (const n of r.notInAzure) lines.push(`  ! in the workspace but not in Azure (kept; plan will create it): ${n}`);
  for (const n of r.notes) lines.push(`  note: ${n.where}: ${n.message}`);
  const c = r.plan.counts;
  lines.push(`Plan for this resource group now: ${c.Create} to create, ${c.Modify} to modify, ${c.Delete} to delete, ${c.NoChange} unchanged${c.Ignore ? `, ${c.Ignore} ignored (not owned)` : ''}.`);
  return lines.join('\n') + '\n';
}

export const importJson = (r: ImportReport) =>
  JSON.stringify(
    {
      file: r.file,
      created: r.created,
      written: r.written,
      added: r.added,
      updated: r.updated,
      unchanged: r.unchanged,
      notInAzure: r.notInAzure,
      notes: r.notes,
      plan: { counts: r.plan.counts, steps: r.plan.steps.filter((s) => s.action !== 'NoChange').map((s) => ({ action: s.action, kind: s.kind, name: s.name, changes: s.changes })) },
    },
    null,
    2,
  ) + '\n';

/** Sign in, probe and import; shared with `junction init --from-azure`. */
export async function runImport(file: string, values: Values, io: CliIo, deps: ImportDeps): Promise<ImportReport> {
  const sub = typeof values['subscription'] === 'string' ? values['subscription'] : undefined;
  const rg = typeof values['resource-group'] === 'string' ? values['resource-group'] : undefined;
  if (!sub || !rg)
    throw new CliError('import needs --subscription ID and --resource-group RG', 'junction azure import <workspace> --subscription ID --resource-group RG');
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(sub))
    throw new CliError(`--subscription ${sub}: not a subscription id`, 'give the subscription id (a GUID such as 00000000-0000-4000-8000-000000000001), not its name');
  // Merging into a workspace: its Azure site's cloud and ARM endpoint count, as they do for plan.
  const existing = await readFile(file, 'utf8').then(
    (t) => loadWorkspace(t.charCodeAt(0) === 0xfeff ? t.slice(1) : t, file),
    () => undefined,
  );
  const settings = await deps.settingsFor(values, io, existing?.ok ? existing.workspace : undefined, true);
  const p = await probe(settings);
  if (!p.online)
    throw new CliError(`cannot import while ARM is unreachable (${p.detail})`, 'import needs live ARM: check --arm-endpoint, the proxy and the trusted CA', 4);
  const clients = new Clients(await deps.credentialFor(settings, io), settings);
  try {
    return await importAzure({
      file,
      subscriptionId: sub,
      resourceGroup: rg,
      ...(typeof values['site'] === 'string' ? { siteId: values['site'] } : {}),
      clients,
    });
  } catch (e) {
    if (e instanceof AzureError) throw new CliError(e.message, e.fix, e.exitCode);
    throw e;
  }
}

export async function azureImport(args: string[], io: CliIo, deps: ImportDeps): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { ...deps.options, 'resource-group': { type: 'string' }, site: { type: 'string' }, json: { type: 'boolean' } },
  });
  if (positionals.length !== 1)
    throw new CliError('import takes exactly one workspace file (new or existing)', 'junction azure import <workspace> --subscription ID --resource-group RG');
  const r = await runImport(resolve(io.cwd, positionals[0]!), values, io, deps);
  io.out(values.json ? importJson(r) : formatImport(r));
  return 0;
}
