// Host side of the Generate & Bundle preview: the workspace the admin is editing (text, not a file on disk) →
// the generators' scripts, steps and runbook for the chosen scenarios and targets.
import { ApiError, type ApiRequest, type GeneratePreview, type GenerateTarget } from '../../shared/api/contract';
import { loadWorkspace } from '../../shared/model/load';
import type { Workspace } from '../../shared/model/schema';
import { generateAll, SCENARIO_TITLES, SCENARIOS, UnsafeWorkspaceError, type GenerateResult } from '../../shared/generate/index';
import { refusalProblems } from '../../shared/generate/safety';
import { renderRunbook } from '../../shared/generate/runbook';

export interface Selection {
  scenarios?: readonly string[] | undefined;
  hosts?: readonly string[] | undefined;
}

/** Parses the document; a document with schema problems cannot be generated from, and the error says why. */
export function workspaceOrThrow(channel: string, fileName: string, text: string): Workspace {
  const r = loadWorkspace(text, fileName);
  if (r.ok) return r.workspace;
  const first = r.problems[0];
  throw new ApiError(
    'bad-request',
    `${channel}: ${fileName} has ${r.problems.length} schema problem${r.problems.length === 1 ? '' : 's'}` +
      (first ? ` (first: ${first.path ? `${first.path}: ` : ''}${first.message})` : '') +
      ' — fix them on the Workspace screen first',
  );
}

/** The full plan filtered to the selection; file names and step numbers stay those of the full plan. */
export function selectGenerated(ws: Workspace, full: GenerateResult, sel: Selection): GenerateResult {
  const scen = sel.scenarios?.length ? new Set(sel.scenarios) : undefined;
  const hosts = sel.hosts ? new Set(sel.hosts) : undefined;
  const keep = (scenario: string, host: string) => (!scen || scen.has(scenario)) && (!hosts || hosts.has(host));
  const steps = full.steps.filter((s) => keep(s.scenario, s.target.id));
  const files = full.files.filter((f) => keep(f.scenario, f.host));
  const whole = steps.length === full.steps.length;
  const one = <T>(set: Set<T> | undefined) => (set?.size === 1 ? [...set][0] : undefined);
  const host = one(hosts);
  const scenario = one(scen) as GenerateResult['steps'][number]['scenario'] | undefined;
  const runbook = whole
    ? full.runbook
    : renderRunbook(ws, steps, { ...(host ? { host } : {}), ...(scenario ? { scenario } : {}) });
  return { files, steps, runbook };
}

export function preview(req: ApiRequest<'generate.preview'>): GeneratePreview {
  const r = loadWorkspace(req.text, req.fileName);
  if (!r.ok)
    return { ok: false, problems: r.problems, targets: [], scenarios: [], files: [], steps: [], runbook: '' };
  let full: GenerateResult;
  try {
    full = generateAll(r.workspace);
  } catch (e) {
    // A workspace the generators refuse (dangling reference, unsafe name) is shown like a load problem, located.
    if (!(e instanceof UnsafeWorkspaceError)) throw e;
    return { ok: false, problems: refusalProblems(e, req.fileName, r.source), targets: [], scenarios: [], files: [], steps: [], runbook: '' };
  }
  const targets = new Map<string, GenerateTarget>();
  for (const s of full.steps) {
    const t = targets.get(s.target.id) ?? { id: s.target.id, label: s.target.label, steps: 0 };
    t.steps++;
    targets.set(s.target.id, t);
  }
  const scenarios = SCENARIOS.map((id) => ({
    id,
    title: SCENARIO_TITLES[id],
    steps: full.steps.filter((s) => s.scenario === id).length,
  }));
  const sel = selectGenerated(r.workspace, full, { scenarios: req.scenarios, hosts: req.hosts });
  return { ok: true, problems: [], targets: [...targets.values()], scenarios, ...sel };
}
