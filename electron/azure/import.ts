// `junction azure import`: LIST one resource group through the same clients plan uses, fold it into the workspace
// (shared/azure/import.ts), check the result loads and plans clean against what was just read, then write it once,
// atomically. Nothing is written when any of that fails.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseTree, getNodeValue } from 'jsonc-parser';
import { parse as parseYaml } from 'yaml';
import { loadWorkspace, formatFromName, formatProblem } from '../../shared/model/load';
import type { Workspace } from '../../shared/model/schema';
import { importLive, newImportDocument, commonOwner, ImportError, type ImportOutcome, type ImportScope } from '../../shared/azure/import';
import { desiredResources } from '../../shared/azure/desired';
import { computePlan, type LiveResource, type Plan } from '../../shared/azure/plan';
import { patchText } from '../../shared/model/patch';
import { readLive, type Clients } from './engine';
import { AzureError, armError, planOptions } from './session';
import { writeFileAtomic } from '../services/atomic-write';

export interface ImportRequest extends ImportScope {
  file: string;
  clients: Clients;
}

export interface ImportReport extends Omit<ImportOutcome, 'doc'> {
  file: string;
  created: boolean;
  written: boolean;
  /** What `junction azure plan` would say right after the import, against the state just read. */
  plan: Plan;
}

async function readExisting(file: string): Promise<{ text: string; raw: Record<string, unknown>; ws: Workspace } | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new AzureError(`cannot read ${file}: ${(e as Error).message}`, 'check the path and its permissions');
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const loaded = loadWorkspace(text, file);
  if (!loaded.ok)
    throw new AzureError(
      `${file} does not load, so nothing was merged into it:\n${loaded.problems.map(formatProblem).join('\n')}`,
      'fix the workspace first (junction lint shows the same problems), or import into a new file',
    );
  const raw = (formatFromName(file) === 'yaml' ? parseYaml(text) : getNodeValue(parseTree(text)!)) as Record<string, unknown>;
  return { text, raw, ws: loaded.workspace };
}

/** Names a new workspace after the owner tag its resources share, so plan sees them as its own. */
function newName(file: string, live: readonly LiveResource[]): string {
  return commonOwner(live) ?? basename(file).replace(/\.junction\.(json|ya?ml)$/i, '').replace(/\.(json|ya?ml)$/i, '');
}

export async function importAzure(r: ImportRequest): Promise<ImportReport> {
  const existing = await readExisting(r.file);
  let live: LiveResource[];
  try {
    live = await readLive(r.clients, [{ subscriptionId: r.subscriptionId, resourceGroup: r.resourceGroup }]);
  } catch (e) {
    throw armError(e, `reading resource group ${r.resourceGroup}`);
  }
  if (live.length === 0 && !existing)
    throw new AzureError(
      `resource group ${r.resourceGroup} in subscription ${r.subscriptionId} holds no network resource Junction models`,
      'check --subscription and --resource-group (VNets, NSGs, route tables, VPN and local network gateways, connections)',
    );
  const raw = existing?.raw ?? newImportDocument(newName(r.file, live));
  let out: ImportOutcome;
  try {
    out = importLive(raw, existing?.ws, live, r);
  } catch (e) {
    if (e instanceof ImportError) throw new AzureError(e.message, e.fix);
    throw e;
  }
  const format = formatFromName(r.file);
  const text = existing
    ? patchText(existing.text, format, existing.raw, out.doc)
    : format === 'yaml'
      ? (await import('yaml')).stringify(out.doc)
      : JSON.stringify(out.doc, null, 2) + '\n';
  const check = loadWorkspace(text, r.file);
  if (!check.ok)
    throw new AzureError(
      `the imported workspace would not load (nothing was written):\n${check.problems.map(formatProblem).join('\n')}`,
      'this is a gap in the import; report it with the resource named above, or model that resource by hand',
    );
  const { resources, problems } = desiredResources(check.workspace, { subscriptionId: r.subscriptionId });
  if (problems.length)
    throw new AzureError(
      `the imported workspace would not plan (nothing was written): ${problems[0]!.source}: ${problems[0]!.message}`,
      problems[0]!.fix,
    );
  const scoped = resources.filter(
    (d) => d.subscriptionId.toLowerCase() === r.subscriptionId.toLowerCase() && d.resourceGroup.toLowerCase() === r.resourceGroup.toLowerCase(),
  );
  const plan = computePlan(scoped, live, planOptions(check.workspace, scoped));
  const written = !existing || text !== existing.text;
  if (written) await writeFileAtomic(r.file, text);
  const { doc: _doc, ...rest } = out;
  return { ...rest, file: r.file, created: !existing, written, plan };
}
