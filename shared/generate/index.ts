// generateAll: workspace → every script, in runbook order, plus RUNBOOK.md. Pure and deterministic: the same
// workspace gives byte-identical output (no clock, no randomness, stable ordering).
import type { Workspace } from '../model/schema';
import { buildLookup } from '../model/lookup';
import { licenseLinkSteps } from './scenarios/license-link';
import { routeSteps } from './scenarios/routes';
import { hpcManagementSteps, remoteConsoleSteps } from './scenarios/certificates';
import { cycleCloudSteps } from './scenarios/cyclecloud';
import { hnvSteps } from './scenarios/hnv';
import { renderRunbook } from './runbook';
import { assertGeneratable } from './safety';
import { oneLine } from './escape';
import { SCENARIO_TITLES } from './types';
import type { GenerateOptions, GenerateResult, GeneratedFile, RunbookStep, StepDraft } from './types';

export * from './types';
export { CATALOG } from './catalog';
export { UnsafeWorkspaceError, type UnsafeFinding } from './escape';
export { assertGeneratable, unsafeFindings } from './safety';

/** Every step, in runbook order. Throws UnsafeWorkspaceError (bad input, exit 2) before drafting anything unsafe. */
export function draftSteps(ws: Workspace, opts: Pick<GenerateOptions, 'serviceTagPrefixes'> = {}): StepDraft[] {
  const l = buildLookup(ws);
  assertGeneratable(ws, l);
  return [
    ...licenseLinkSteps(l),
    ...routeSteps(l),
    ...remoteConsoleSteps(l),
    ...hpcManagementSteps(l),
    ...cycleCloudSteps(l, opts.serviceTagPrefixes),
    ...hnvSteps(l),
  ];
}

const NON_ASCII = /[\u0080-\uffff]/;
/** U+FEFF, which the UTF-8 encoder every writer of generated files uses writes as EF BB BF. */
export const UTF8_BOM = '\ufeff';

/** Whether any string in the workspace is not ASCII: a walk of its values, far cheaper than scanning the output. */
function hasNonAscii(v: unknown): boolean {
  if (typeof v === 'string') return NON_ASCII.test(v);
  if (Array.isArray(v)) return v.some(hasNonAscii);
  if (v && typeof v === 'object') return Object.values(v).some(hasNonAscii);
  return false;
}

/**
 * Windows PowerShell 5.1 reads a script without a BOM in the ANSI code page: a workspace name such as "Zürich"
 * survives only with the UTF-8 BOM. Junction's own text is ASCII (a test holds it to that), so only a workspace
 * with non-ASCII text can need one, and only its PowerShell scripts get it: cmd.exe would run a BOM as a command.
 */
function withBomIfNeeded(content: string): string {
  return NON_ASCII.test(content) ? UTF8_BOM + content : content;
}

function matchesHost(d: StepDraft, ws: Workspace, host: string): boolean {
  const h = host.toLowerCase();
  if (d.target.id.toLowerCase() === h) return true;
  return ws.hosts.some((x) => x.id === d.target.id && x.name.toLowerCase() === h);
}

export function generateAll(ws: Workspace, opts: GenerateOptions = {}): GenerateResult {
  const drafts = draftSteps(ws, opts);
  const mayNeedBom = hasNonAscii(ws);
  const files: GeneratedFile[] = [];
  const steps: RunbookStep[] = [];
  // Numbers come from the full plan so a filtered run names its files exactly as the full run does.
  drafts.forEach((d, i) => {
    const number = i + 1;
    if (opts.scenario && d.scenario !== opts.scenario) return;
    if (opts.host && !matchesHost(d, ws, opts.host)) return;
    const nn = String(number).padStart(2, '0');
    const names: Record<string, string> = {};
    const paths: Record<string, string> = {};
    for (const f of d.files) {
      names[f.name] = `${nn}-${f.name}`;
      paths[f.name] = `${d.target.id}/${d.scenario}/${nn}-${f.name}`;
    }
    const ctx = {
      number,
      names,
      paths,
      reference: `step ${number} of RUNBOOK.md (${d.target.id}, ${SCENARIO_TITLES[d.scenario]})`,
    };
    for (const f of d.files)
      files.push({
        path: paths[f.name]!,
        content: mayNeedBom && f.kind === 'powershell' ? withBomIfNeeded(f.content(ctx)) : f.content(ctx),
        host: d.target.id,
        scenario: d.scenario,
        step: number,
        kind: f.kind,
      });
    steps.push({
      number,
      scenario: d.scenario,
      target: d.target,
      title: d.title,
      runAs: d.runAs,
      prerequisites: d.prerequisites,
      // One line each, whatever a name holds: these are what the admin types, and a line break would add a command.
      commands: d.commands(ctx).map(oneLine),
      notes: d.notes ?? [],
      files: d.files.map((f) => paths[f.name]!),
    });
  });
  return { files, steps, runbook: renderRunbook(ws, steps, opts) };
}
