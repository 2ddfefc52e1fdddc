// The Health screen's channels (issue 8), over electron/health and shared/reach: the same probes as the CLI.
// The history lives beside the workspace file (`<name>.health.jsonl`, append-only); a document without a file
// keeps its results in this session only, and says so.
import { stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import type { HEALTH_API, HealthSummary } from '../../shared/api/health-api';
import { ApiError, type ApiRequest } from '../../shared/api/contract';
import { loadWorkspace, type SourceMap } from '../../shared/model/load';
import type { Workspace } from '../../shared/model/schema';
import { parseHealthReport } from '../../shared/health/report';
import { probeSets } from '../health/sets';
import { runProbes } from '../health/run';
import { appendHistory, readHistory } from '../health/history';
import { appendFarSideReport } from '../health/far-side';
import { historyFileFor, stateFileFor } from '../health/files';
import { ProbeSelectionError, readCaFile, selectProbes } from '../health/select';
import { linkIdOf } from '../health/links';
import { summarise, type HistoryRecord } from '../health/summary';
import { reachAnswer, reachEndpoints } from '../health/reach-view';
import { serviceTags, ServiceTagsError } from '../health/service-tags';
import { resolveStateDir } from '../bundle/trust';
import { targetOf, type ProbeResult } from '../health/types';
import { importReceipt, RECEIPT_LIMITS } from '../bundle/receipt-import';
import { readRegularFile, SafeReadError } from '../bundle/safe-read';
import { Cancelled } from '../bundle/progress';
import type { ChannelHandlers, HostContext } from './host';

/** Results of documents without a file, per file name, for this session only; bounded. */
const SESSION_LIMIT = 5000;

function loaded(channelName: string, fileName: string, text: string): { ws: Workspace; source: SourceMap } {
  const r = loadWorkspace(text, fileName);
  if (r.ok) return { ws: r.workspace, source: r.source };
  const first = r.problems[0];
  throw new ApiError(
    'bad-request',
    `${channelName}: ${fileName} has ${r.problems.length} schema problem${r.problems.length === 1 ? '' : 's'}` +
      (first ? ` (first: ${first.path ? `${first.path}: ` : ''}${first.message})` : '') +
      ' — fix them on the Workspace screen first',
  );
}

/** A set or probe the workspace does not have, or an unusable CA file, is the admin's input: bad-request, with the fix. */
function badSelection(e: unknown): never {
  if (e instanceof ProbeSelectionError) throw new ApiError('bad-request', `${e.message} — ${e.fix}`);
  throw e;
}

export function healthHandlers(ctx: HostContext): ChannelHandlers<keyof typeof HEALTH_API> {
  const session = new Map<string, ProbeResult[]>();

  const summaryFor = async (
    ws: Workspace,
    fileName: string,
    workspace: string | undefined,
  ): Promise<HealthSummary> => {
    const specs = probeSets(ws).flatMap((s) => s.probes);
    if (workspace === undefined) {
      const records = session.get(fileName) ?? [];
      return { persisted: false, skipped: 0, ...summarise(ws, specs, records, new Date()) };
    }
    const historyFile = historyFileFor(resolve(workspace));
    const { results, skipped } = await readHistory(historyFile);
    return {
      historyFile,
      persisted: true,
      skipped,
      ...summarise(ws, specs, results as HistoryRecord[], new Date()),
    };
  };

  return {
    'reach.query': async (req) => {
      const { ws, source } = loaded('reach.query', req.fileName, req.text);
      // The same cached service-tag list as `junction reach` (given once with --service-tags).
      let tags;
      try {
        tags = await serviceTags(undefined, resolveStateDir(undefined, process.env), process.cwd());
      } catch (e) {
        if (e instanceof ServiceTagsError) return { ok: false, error: e.message, fix: e.fix, suggestions: [] };
        throw e;
      }
      return reachAnswer(ws, source, req, tags ? { serviceTagPrefixes: tags.tags.prefixes } : {});
    },
    'reach.endpoints': async (req) => reachEndpoints(loaded('reach.endpoints', req.fileName, req.text).ws),
    'health.probeSet': async (req) => {
      const { ws } = loaded('health.probeSet', req.fileName, req.text);
      return {
        sets: probeSets(ws).map((s) => ({
          name: s.name,
          description: s.description,
          probes: s.probes.map((p) => {
            const link = linkIdOf(p);
            return {
              id: p.id,
              set: p.set ?? s.name,
              kind: p.kind,
              target: targetOf(p),
              ...(p.runFrom ? { runFrom: p.runFrom } : {}),
              ...(link ? { link } : {}),
            };
          }),
        })),
      };
    },
    'health.run': (req) => run(req).catch(badSelection),
    'health.history': async (req) => {
      const { ws } = loaded('health.history', req.fileName, req.text);
      return summaryFor(ws, req.fileName, req.workspace);
    },
    'health.importReport': (req) => importReport(req),
  };

  async function run(req: ApiRequest<'health.run'>) {
    const { ws } = loaded('health.run', req.fileName, req.text);
    const specs = selectProbes(probeSets(ws), `health.run: ${req.fileName}`, req.sets, req.ids);
    if (specs.length === 0)
      throw new ApiError(
        'bad-request',
        'health.run: the selection holds no probes — the workspace models no CycleCloud or license link, or no set was chosen',
      );
    const ca = req.caFile
      ? await readCaFile(resolve(req.caFile), `health.run: caFile ${req.caFile}`)
      : undefined;
    return ctx.jobs.run(req.jobId, async (signal, onProgress) => {
      const total = specs.length;
      let done = 0;
      let failed = 0;
      const report = (phase: string) =>
        onProgress({ phase, bytesDone: done, bytesTotal: total, filesDone: done, filesTotal: total });
      report('probing');
      const results = await runProbes(specs, {
        signal,
        ca,
        ...(req.timeoutMs ? { timeoutMs: req.timeoutMs } : {}),
        concurrency: req.concurrency ?? 32,
        onResult: (r) => {
          done++;
          if (r.status === 'fail') failed++;
          report(failed ? `probing · ${failed} failed` : 'probing');
        },
      });
      // A cancelled probe says nothing about the network; what did finish is a real observation and is kept.
      const observed = results.filter((r) => r.status !== 'cancelled');
      if (req.workspace !== undefined) await appendHistory(historyFileFor(resolve(req.workspace)), observed);
      else
        session.set(req.fileName, [...(session.get(req.fileName) ?? []), ...observed].slice(-SESSION_LIMIT));
      if (signal.aborted) throw new Cancelled();
      const count = (s: ProbeResult['status']) => results.filter((r) => r.status === s).length;
      return {
        ran: results.length,
        counts: {
          ok: count('ok'),
          warning: count('warning'),
          fail: count('fail'),
          cancelled: count('cancelled'),
        },
        summary: await summaryFor(ws, req.fileName, req.workspace),
      };
    });
  }

  async function importReport(req: ApiRequest<'health.importReport'>) {
    const { ws } = loaded('health.importReport', req.fileName, req.text);
    const workspace = resolve(req.workspace);
    const historyFile = historyFileFor(workspace);
    const path = resolve(req.path);
    const st = await stat(path).catch(() => undefined);
    if (!st)
      throw new ApiError(
        'not-found',
        `health.importReport: ${path} does not exist — give the bundle folder on the media, or one report file from its receipt/health/`,
      );
    if (st.isDirectory()) {
      const r = await importReceipt(path, stateFileFor(workspace), new Date(), { historyFile });
      return {
        kind: 'bundle' as const,
        bundleId: r.bundleId,
        reports: r.addedReports,
        added: r.addedHistory,
        warnings: r.warnings,
        summary: await summaryFor(ws, req.fileName, workspace),
      };
    }
    // A report from the media may be a FIFO, a link or huge: read it as a capped regular file, never blocking.
    const bytes = await readRegularFile(dirname(path), basename(path), RECEIPT_LIMITS.reportBytes).catch((e: unknown) => {
      if (e instanceof SafeReadError) throw new ApiError('bad-request', `health.importReport: ${e.message} — ${e.fix}`);
      throw e;
    });
    const parsed = parseHealthReport(bytes?.toString('utf8') ?? '');
    if (!parsed.ok)
      throw new ApiError(
        'bad-request',
        `health.importReport: ${path}: ${parsed.message} — choose a report collect-health.sh/.ps1 wrote (receipt/health/<host>-<time>.json)`,
      );
    const added = await appendFarSideReport(historyFile, parsed.report);
    return {
      kind: 'report' as const,
      reports: 1,
      added,
      warnings: [],
      summary: await summaryFor(ws, req.fileName, workspace),
    };
  }
}
