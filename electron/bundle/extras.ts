// What `bundle build` adds beside the generated scripts: the staged CycleCloud tree (--staging), the Azure
// export for a connected machine (--azure-export) and the far-side health scripts (always).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Workspace } from '../../shared/model/schema';
import { buildLookup } from '../../shared/model/lookup';
import { RECORD, STAGE_SCRIPT, STAGING_ROOT, checkStagedTree, listStagedFiles, type StagingRecord } from '../../shared/stage/plan';
import { desiredResources } from '../../shared/azure/desired';
import { exportArmTemplates, exportCliScript, secretEnvVar, secretParameter } from '../../shared/azure/export';
import { renderCollectHealthPs1, renderCollectHealthSh, ProbeInputError, type FarProbeGroup } from '../../shared/health/index';
import { applyShCommand, type RunbookSection } from '../../shared/bundle/runbook';
import { probeSets } from '../health/sets';
import { BuildError, bundlePathOf, type Artifact, type BundleInput } from './build';
import { walk } from './fsutil';
import { addStateScripts } from './state-scripts';

export type AzureExportMode = 'arm' | 'cli' | 'both';

export const HEALTH_SH = 'health/collect-health.sh';
export const HEALTH_PS1 = 'health/collect-health.ps1';

// ---------------------------------------------------------------- staging

export interface StagedInput {
  artifacts: Artifact[];
  record: StagingRecord;
}

function isRecord(v: unknown): v is StagingRecord {
  const r = v as StagingRecord;
  return (
    !!r &&
    r.format === 'junction-staging/1' &&
    Array.isArray(r.projects) &&
    Array.isArray(r.files) &&
    r.files.every((f) => typeof f?.path === 'string' && typeof f.size === 'number' && typeof f.sha256 === 'string' && /^[0-9a-f]{64}$/.test(f.sha256))
  );
}

/** How errors name the staging folder: the CLI's option by default; the console passes its field's words. */
export interface StagingWording {
  name: string;
  drop: string;
}
export const CLI_STAGING: StagingWording = { name: '--staging', drop: 'drop --staging' };

/**
 * Reads DIR/staging/staging.json (DIR = the --out of `junction stage fetch`) and checks the tree on disk against it
 * before anything is bundled. Sizes are compared here; contents are hashed while the bundle is written.
 */
export async function readStagingDir(dir: string, wording: StagingWording = CLI_STAGING): Promise<StagedInput> {
  const recordFile = join(dir, ...RECORD.split('/'));
  const fix = `run \`junction stage fetch <workspace> --out ${dir}\` again, then rebuild the bundle`;
  let text: string;
  try {
    text = await readFile(recordFile, 'utf8');
  } catch (e) {
    throw new BuildError(`${wording.name} ${dir}: cannot read ${recordFile} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, `pass the folder given to \`junction stage fetch --out\`; it holds ${RECORD}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new BuildError(`${recordFile} is not JSON: ${(e as Error).message}`, fix);
  }
  if (!isRecord(raw)) throw new BuildError(`${recordFile} is not a junction-staging/1 record (format, projects and files[] with path, size, sha256)`, fix);
  const record = raw;
  const tree = await walk(join(dir, STAGING_ROOT));
  const odd = tree.find((e) => e.kind === 'symlink' || e.kind === 'other');
  if (odd) throw new BuildError(`${join(dir, STAGING_ROOT, odd.path)} is a ${odd.kind === 'symlink' ? 'symbolic link' : 'special file'}; a staged tree holds only regular files`, fix);
  const onDisk = new Map(tree.filter((e) => e.kind === 'file').map((e) => [`${STAGING_ROOT}/${e.path}`, e.size]));
  const problems = checkStagedTree(record, onDisk);
  if (problems.length) {
    const shown = problems.slice(0, 5).map((p) => `  ${p.path}: ${p.message}`);
    throw new BuildError(
      `${wording.name} ${dir} does not match ${RECORD} (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${shown.join('\n')}${problems.length > 5 ? `\n  … and ${problems.length - 5} more` : ''}`,
      fix,
    );
  }
  const artifacts: Artifact[] = listStagedFiles(record).map((f) => ({
    path: f.path,
    root: true,
    role: 'staging',
    sourceFile: join(dir, ...f.path.split('/')),
    sha256: f.sha256,
  }));
  artifacts.push({ path: RECORD, root: true, role: 'staging', sourceFile: recordFile });
  return { artifacts, record };
}

/** Adds the staged tree and, for each CycleCloud server of the workspace, a step that runs stage-cyclecloud.sh. */
/**
 * A locked-down CycleCloud with projects cannot fetch them from GitHub (seed 002): without the staged tree the first
 * cluster start fails. The warning a build without --staging gives for such a workspace, or undefined.
 */
export function missingStagingWarning(ws: Workspace): string | undefined {
  const needy = ws.cycleCloud.filter((cc) => cc.lockedDown && cc.projects.length > 0);
  if (!needy.length) return undefined;
  const list = needy.map((cc) => `${cc.name} (${cc.projects.map((p) => `${p.name} ${p.version}`).join(', ')})`).join('; ');
  return `warning: ${list} is locked down and has projects, but the bundle has no --staging: its NSG blocks github.com, so node creation fails until the projects are staged. Run \`junction stage fetch <workspace> --out DIR\` and build with --staging DIR`;
}

export function addStaging(input: BundleInput, ws: Workspace, staged: StagedInput, wording: StagingWording = CLI_STAGING): BundleInput {
  if (!staged.artifacts.some((a) => a.path === STAGE_SCRIPT))
    throw new BuildError(`the staging record lists no ${STAGE_SCRIPT}`, 'run `junction stage fetch` again; it writes the far-side script');
  const servers = [...new Set(ws.cycleCloud.map((c) => c.server))];
  if (servers.length === 0) throw new BuildError(`${wording.name} was given, but the workspace has no cycleCloud[] entry to stage for`, `add the CycleCloud server to the workspace or ${wording.drop}`);
  const hosts = input.hosts.map((h) => ({ ...h, steps: [...h.steps] }));
  const projects = staged.record.projects.map((p) => `${p.name} ${p.version}`).join(', ') || 'the staged artifacts';
  const others = staged.artifacts.filter((a) => a.path !== STAGE_SCRIPT).map((a) => a.path);
  for (const server of servers) {
    let h = hosts.find((x) => x.host === server);
    if (!h) {
      h = { host: server, steps: [] };
      hosts.push(h);
    }
    const step = Math.max(0, ...h.steps.map((s) => s.step)) + 1;
    h.steps.push({
      step,
      title: `Stage CycleCloud projects (${projects}) into /opt/cycle_server/work/staging`,
      script: STAGE_SCRIPT,
      files: others,
      needs: ['root on the CycleCloud server (sudo)', 'bash and sha256sum', `run from the bundle folder: ${applyShCommand(server, step)} (try it first with -- --dry-run, which is not recorded)`],
      check: 'the script ends with "result: OK"; every project lists its files and N/N blobs, owned by cycle_server',
    });
  }
  hosts.sort((a, b) => a.host.localeCompare(b.host));
  return { ...input, artifacts: [...input.artifacts, ...staged.artifacts], hosts };
}

// ---------------------------------------------------------------- Azure export

export function addAzureExport(input: BundleInput, ws: Workspace, mode: AzureExportMode, subscriptionId?: string): BundleInput {
  const { resources, problems } = desiredResources(ws, subscriptionId ? { subscriptionId } : {});
  if (problems.length) {
    const p = problems[0]!;
    throw new BuildError(`--azure-export: ${p.source}: ${p.message}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`, p.fix);
  }
  if (resources.length === 0) throw new BuildError('--azure-export: the workspace describes no Azure network resources', 'add Azure sites, NSGs or VPN connections, or drop --azure-export');
  const artifacts: Artifact[] = [];
  const paragraphs = [
    'For someone on a connected machine (not the locked-down hosts): the same Azure network changes as `junction azure apply`, signed with this bundle. Verify the bundle first.',
    'Both files reach the same state. Run the script with --dry-run first (it only reads): it names resources that exist without the junction-owned tag, which it leaves alone (exit 1; --allow-unowned NAME takes one over); pass the same names to the template as --parameters notOwned=\'["NAME"]\' or the deployment takes them over. In resources Junction owns, rules, routes and subnets not in the workspace are removed by both.',
  ];
  const commands: RunbookSection['commands'] = [];
  const secrets = [...new Set(resources.flatMap((r) => Object.values(r.secrets)))];
  if (mode === 'arm' || mode === 'both') {
    const templates = exportArmTemplates(resources);
    for (const t of templates) {
      const path = `azure/arm/${t.resourceGroup}.json`;
      artifacts.push({ path, role: 'azure-export', bytes: JSON.stringify(t.template, null, 2) + '\n' });
      commands.push({ lang: 'sh', text: `az deployment group create --subscription ${t.subscriptionId} -g ${t.resourceGroup} --template-file ${bundlePathOf({ path })}` });
    }
    paragraphs.push(
      'ARM template' + (templates.length > 1 ? 's (one per resource group)' : '') + ': `az login`, then run the command below from the bundle folder.' +
        (secrets.length ? ` az prompts for the secure parameter${secrets.length > 1 ? 's' : ''} ${secrets.map((s) => `\`${secretParameter(s)}\``).join(', ')}; the value is typed there, never stored in the bundle.` : ''),
    );
  }
  if (mode === 'cli' || mode === 'both') {
    const path = 'azure/az-network.sh';
    artifacts.push({ path, role: 'azure-export', bytes: exportCliScript(resources, ws.name) });
    paragraphs.push('Azure CLI script: `az login`, then run it from the bundle folder' + (secrets.length ? '; it reads each secret from an environment variable, prompted without echo:' : ':'));
    commands.push({
      lang: 'sh',
      text: [`bash ${bundlePathOf({ path })} --dry-run`, ...secrets.map((s) => `read -rsp 'value of secret ${s}: ' ${secretEnvVar(s)}; echo; export ${secretEnvVar(s)}`), `bash ${bundlePathOf({ path })}`].join('\n'),
    });
  }
  return { ...input, artifacts: [...input.artifacts, ...artifacts], sections: [...(input.sections ?? []), { title: 'Azure changes from a connected machine', paragraphs, commands }] };
}

// ---------------------------------------------------------------- far-side health

/** The workspace's probe sets grouped by where they run, with the names that machine answers to. */
export function farProbeGroups(ws: Workspace): FarProbeGroup[] {
  const l = buildLookup(ws);
  const groups = new Map<string, FarProbeGroup>();
  for (const set of probeSets(ws))
    for (const p of set.probes) {
      const runFrom = p.runFrom ?? 'any host';
      let g = groups.get(runFrom);
      if (!g) {
        const host = l.hosts.get(runFrom)?.value;
        const fqdn = host && 'fqdn' in host ? (host as { fqdn?: string }).fqdn : undefined;
        g = { runFrom, aliases: host ? [host.id, host.name, ...(fqdn ? [fqdn] : [])] : [], probes: [] };
        groups.set(runFrom, g);
      }
      g.probes.push(p);
    }
  return [...groups.values()];
}

export function addHealthScripts(input: BundleInput, ws: Workspace): BundleInput {
  const groups = farProbeGroups(ws);
  let sh: string;
  let ps1: string;
  try {
    sh = renderCollectHealthSh(groups);
    ps1 = renderCollectHealthPs1(groups);
  } catch (e) {
    if (e instanceof ProbeInputError) throw new BuildError(`health probes: ${e.message}`, 'fix the host name, address or port in the workspace');
    throw e;
  }
  const artifacts: Artifact[] = [
    { path: HEALTH_SH, role: 'health', bytes: sh },
    { path: HEALTH_PS1, role: 'health', bytes: ps1 },
  ];
  const list = groups.length ? groups.map((g) => `\`${g.runFrom}\` (${g.probes.length} probes)`).join(', ') : 'none (the workspace implies no probes yet)';
  const section: RunbookSection = {
    title: 'Collect health on the far side',
    paragraphs: [
      `After the steps, run the probes the workspace implies on each host they belong to: ${list}. The report is written to \`receipt/health/<host>-<time>.json\` on this media; bring it back and run \`junction receipt import\`.`,
      'Linux (bash, coreutils; getent/nslookup and openssl when present):',
    ],
    commands: [
      { lang: 'sh', text: `bash ${bundlePathOf({ path: HEALTH_SH })} --host <host>     # --list shows the groups` },
      { lang: 'powershell', text: `powershell -NoProfile -ExecutionPolicy Bypass -File .\\${bundlePathOf({ path: HEALTH_PS1 }).replace(/\//g, '\\')} -HostName <host>` },
    ],
  };
  // The state collectors ride along wherever the health scripts do: both front doors (CLI, console) call this.
  return addStateScripts({ ...input, artifacts: [...input.artifacts, ...artifacts], sections: [...(input.sections ?? []), section] }, ws);
}
