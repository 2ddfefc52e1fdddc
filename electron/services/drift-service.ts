// The console's drift (shared/api/drift-api.ts): the document as edited against the observed state beside its file
// and the Azure snapshot, through the same loader as `junction drift`, so both give the same differences. The
// snapshot comes from the state directory the Apply screen uses (its settings, else JUNCTION_STATE_DIR, else the default).
import { resolve } from 'node:path';
import type { DRIFT_API, DriftItemView } from '../../shared/api/drift-api';
import { loadWorkspace, type SourceMap } from '../../shared/model/load';
import type { DocPath } from '../../shared/model/path';
import type { DriftItem } from '../../shared/state/drift';
import { stateDir } from '../azure/state';
import { readPrefs } from '../azure/prefs';
import { driftReport, observedFileOf, ObservedStateError } from '../bundle/drift-report';
import type { ChannelHandlers, HostContext } from './host';

/** `$.hosts[2].staticRoutes[0] → properties.x` to its document segments (the part before any " → "). */
function pathOf(shown: string): DocPath {
  const head = shown.split(' ')[0] ?? '';
  return [...head.matchAll(/\.([A-Za-z_$][\w$]*)|\[(\d+)\]/g)].map((m) =>
    m[2] !== undefined ? Number(m[2]) : m[1]!,
  );
}

/** The value's place, or its nearest enclosing one: a metric the model leaves out is shown at its interface. */
function locate(source: SourceMap, shown: string): { line: number; column: number } | undefined {
  const p = pathOf(shown);
  for (let n = p.length; n > 0; n--) {
    const pos = source.locate(p.slice(0, n));
    if (pos) return { line: pos.line, column: pos.column };
  }
  return undefined;
}

function view(item: DriftItem, source: SourceMap): DriftItemView {
  const pos = locate(source, item.path);
  return { ...item, ...(pos ? { line: pos.line, column: pos.column } : {}) };
}

export function driftHandlers(ctx: HostContext): ChannelHandlers<keyof typeof DRIFT_API> {
  return {
    'drift.report': async (req) => {
      const r = loadWorkspace(req.text, req.fileName);
      if (!r.ok) {
        const first = r.problems[0];
        return {
          ok: false,
          error: `drift is compared once the document loads: ${req.fileName} has ${r.problems.length} schema problem${r.problems.length === 1 ? '' : 's'}${first ? ` (first: ${first.path ? `${first.path}: ` : ''}${first.message})` : ''}`,
        };
      }
      const ws = r.workspace;
      if (req.workspace === undefined)
        return {
          ok: true,
          hasObserved: false,
          note: "No observed state: the document is not saved, and state reports are kept beside the workspace file. Save it, then import a bundle's receipt on the Health screen (or with `junction receipt import`).",
          observedHosts: 0,
          azureSnapshot: null,
          unobserved: [],
          items: [],
          driftedHosts: [],
        };
      const prefs = readPrefs(ctx.settings);
      const dir = stateDir(prefs.stateDir ? resolve(prefs.stateDir) : undefined, process.env);
      const observedFile = observedFileOf(resolve(req.workspace));
      let report;
      try {
        report = await driftReport(ws, { observedFile, stateDir: dir });
      } catch (e) {
        if (!(e instanceof ObservedStateError)) throw e;
        return {
          ok: false,
          error: `${e.message} — move it away and run \`junction receipt import\` again to rebuild it`,
        };
      }
      const hostIds = new Set(ws.hosts.map((h) => h.id));
      const n = report.azureNotCompared;
      return {
        ok: true,
        hasObserved: report.observedHosts > 0 || report.azureSnapshot !== null,
        ...(report.observedHosts === 0 && !report.azureSnapshot
          ? {
              note: `No state reports yet (${observedFile} is empty or absent): collect-state runs at the end of apply; import the bundle's receipt on the Health screen (or with \`junction receipt import\`).`,
            }
          : {}),
        observedFile,
        observedHosts: report.observedHosts,
        azureSnapshot: report.azureSnapshot ? { savedAt: report.azureSnapshot.savedAt } : null,
        ...(n ? { azureNotCompared: `${n.source}: ${n.message} (${n.fix})` } : {}),
        unobserved: report.unobserved,
        items: report.items.map((i) => view(i, r.source)),
        driftedHosts: [...new Set(report.items.map((i) => i.host).filter((h) => hostIds.has(h)))].sort(),
      };
    },
  };
}
