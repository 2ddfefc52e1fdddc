// The console's side of issue 20 (shared/api/reach-api.ts): the reach diff of the unsaved edits against the saved
// text and the failing needed flows and intents, computed here so the renderer stays light and the answers are the
// ones `junction reach --diff` and `junction reach --intents` give. Service tags are not applied (as bundle diff and
// lint): the verdicts match what Problems lists.
import type { REACH_API, FailingFlowView } from '../../shared/api/reach-api';
import { loadWorkspace, type SourceMap } from '../../shared/model/load';
import { buildLookup } from '../../shared/model/lookup';
import { formatPath, type DocPath } from '../../shared/model/path';
import { diffReach, formatReachDiff } from '../../shared/reach/diff';
import { checkFlows, describeFlow, intentFlows, neededFlows } from '../../shared/reach/flows';
import { answerOf } from '../health/reach-view';
import type { ChannelHandlers } from './host';

/** `$.azure.nsgs[0].rules[8]` back to its segments; workspace paths are identifiers and indexes only. */
function parseShownPath(p: string): DocPath {
  return [...p.matchAll(/\.([A-Za-z_$][\w$]*)|\[(\d+)\]/g)].map((m) => (m[2] !== undefined ? Number(m[2]) : m[1]!));
}

function schemaError(what: string, problems: readonly { path?: string; message: string }[]): string {
  const first = problems[0];
  return `${what} does not load (${problems.length} problem${problems.length === 1 ? '' : 's'}${first ? `; first: ${first.path ? `${first.path}: ` : ''}${first.message}` : ''})`;
}

export function reachHandlers(): ChannelHandlers<keyof typeof REACH_API> {
  return {
    'reach.diffSaved': async (req) => {
      const saved = loadWorkspace(req.savedText, req.fileName);
      if (!saved.ok) return { ok: false, error: schemaError('the saved file', saved.problems) };
      const edited = loadWorkspace(req.text, req.fileName);
      if (!edited.ok) return { ok: false, error: schemaError('the edited text', edited.problems) };
      const diff = diffReach(saved.workspace, edited.workspace);
      const positions: Record<string, { line: number; column: number }> = {};
      for (const c of [...diff.opened, ...diff.closed, ...diff.changed]) {
        const where = c.decidedBy?.path;
        const pos = where ? edited.source.locate(parseShownPath(where)) : undefined;
        if (where && pos) positions[where] = { line: pos.line, column: pos.column };
      }
      return { ok: true, diff, text: formatReachDiff(diff), positions };
    },
    'reach.failingFlows': async (req) => {
      const r = loadWorkspace(req.text, req.fileName);
      if (!r.ok) return { ok: false, error: schemaError(req.fileName, r.problems) };
      const l = buildLookup(r.workspace);
      const needed = neededFlows(l);
      const intents = intentFlows(l);
      const failing = checkFlows(l, [...needed, ...intents])
        .filter((o) => !o.ok)
        .map((o): FailingFlowView => view(o, r.source));
      return { ok: true, checked: { needed: needed.length, intents: intents.length }, failing };
    },
  };
}

function view(o: ReturnType<typeof checkFlows>[number], source: SourceMap): FailingFlowView {
  const pos = source.locate(o.flow.ownerPath);
  return {
    kind: o.flow.kind === 'intent' ? 'intent' : 'needed',
    owner: o.flow.owner,
    where: formatPath(o.flow.ownerPath),
    ...(pos ? { line: pos.line, column: pos.column } : {}),
    description: describeFlow(o.flow),
    why: o.flow.why,
    expect: o.flow.expect,
    verdict: o.verdict,
    ...(o.result ? { answer: answerOf(o.result, source) } : {}),
    ...(o.error ? { error: o.error } : {}),
  };
}
