import { parseArgs } from 'node:util';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import type { CliIo, Command } from '../io';
import { CliError } from '../io';
import { loadOrExplain } from '../load';
import { DEFAULT_API_BASE } from '../../../shared/stage/github';
import { formatSize, parseSize } from '../../../shared/stage/size';
import { listStagedFiles } from '../../../shared/stage/plan';
import { fetchStage, parseArtifactArg, planStage, planStageOffline, type StageOptions, type StageProblem } from '../../stage/stage';
import type { StageEvent } from '../../stage/download';

const USAGE = `junction stage fetch <workspace> [--cache DIR] [--out DIR] [--api-base URL] [--token-file F] [options]
junction stage plan  <workspace> [--media-limit 4GiB] [--offline] [options]

  Stages the CycleCloud projects of a workspace (cycleCloud[].projects[]) for a server without access to
  github.com (seed 002). fetch downloads each project's GitHub release (every asset) and source archive,
  checks the blobs project.ini and the spec scripts name against the release, and writes
  OUT/staging/cyclecloud/<project>/<version>/, .../<project>/blobs/ and stage-cyclecloud.sh (run it on the
  CycleCloud server). plan shows what fetch would download, what is missing and the total against the media.
  Downloads resume (HTTP Range), are checked against the advertised size and SHA-256, and are cached by
  content: a second run downloads nothing. See docs/staging.md.

  --cache DIR        download cache (default: $JUNCTION_CACHE or ~/.cache/junction/stage)
  --out DIR          where staging/ is written (default: ./junction-out)
  --api-base URL     GitHub REST API (default: ${DEFAULT_API_BASE}; GitHub Enterprise: https://HOST/api/v3)
  --token-file F     file holding a GitHub token (never pass a token on the command line)
  --proxy URL        HTTP proxy for every request (default: $HTTPS_PROXY)
  --no-proxy HOSTS   comma-separated hosts that bypass the proxy (default: $NO_PROXY)
  --ca FILE          extra trusted CA certificate(s), PEM; repeatable
  --artifact X       an extra file to carry: URL or local path, optionally URL#sha256=<hex>; repeatable
  --idle-timeout S   seconds without data before a download counts as stalled and resumes (default 30)
  --media-limit N    (plan) capacity of the transfer media, e.g. 4GiB, 700MB (default 4GiB)
  --offline          (plan) list from the workspace alone what fetch would bring; no request is made
  --json             machine-readable output

  Exit code: 0 ready to carry, 1 something is missing or failed (nothing to carry yet), 2 bad input.`;

function defaultCache(io: CliIo): string {
  return io.env['JUNCTION_CACHE'] ?? join(io.env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'junction', 'stage');
}

async function stageOptions(values: Record<string, unknown>, io: CliIo): Promise<StageOptions> {
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(io.cwd, p));
  const apiBase = (values['api-base'] as string | undefined) ?? DEFAULT_API_BASE;
  try {
    const u = new URL(apiBase);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error('scheme');
  } catch {
    throw new CliError(`--api-base "${apiBase}" is not an http(s) URL`, 'e.g. https://api.github.com or https://github.example.com/api/v3');
  }
  let token: string | undefined;
  const tokenFile = values['token-file'] as string | undefined;
  if (tokenFile !== undefined) {
    try {
      token = (await readFile(abs(tokenFile), 'utf8')).trim();
    } catch (e) {
      throw new CliError(`cannot read --token-file ${tokenFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'check the path and permissions');
    }
    if (!token) throw new CliError(`--token-file ${tokenFile} is empty`, 'put the token on the first line of the file');
  }
  const ca: string[] = [];
  for (const f of (values['ca'] as string[] | undefined) ?? []) {
    try {
      ca.push(await readFile(abs(f), 'utf8'));
    } catch (e) {
      throw new CliError(`cannot read --ca ${f}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'give a PEM file with the CA certificate');
    }
  }
  const proxy = (values['proxy'] as string | undefined) ?? io.env['HTTPS_PROXY'] ?? io.env['https_proxy'];
  const noProxy = ((values['no-proxy'] as string | undefined) ?? io.env['NO_PROXY'] ?? io.env['no_proxy'] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const idle = values['idle-timeout'] !== undefined ? Number(values['idle-timeout']) : 30;
  if (!(idle > 0)) throw new CliError(`--idle-timeout "${String(values['idle-timeout'])}" is not a positive number of seconds`, 'e.g. --idle-timeout 60');
  return {
    cacheDir: abs((values['cache'] as string | undefined) ?? defaultCache(io)),
    http: { apiBase, token, proxy: proxy || undefined, noProxy, ca, idleTimeoutMs: idle * 1000 },
  };
}

function progressPrinter(io: CliIo): (e: StageEvent) => void {
  let last = 0;
  return (e) => {
    if (e.type === 'cached') io.err(`  cached     ${e.name} (${formatSize(e.size)})\n`);
    else if (e.type === 'start') io.err(`  ${e.resumeFrom > 0 ? 'resuming' : 'fetching'}   ${e.name}${e.total !== undefined ? ` (${formatSize(e.total)})` : ''}${e.resumeFrom > 0 ? ` from ${formatSize(e.resumeFrom)}` : ''}\n`);
    else if (e.type === 'retry') io.err(`  retry ${e.attempt}    ${e.name}: ${e.reason}; ${formatSize(e.have)} kept\n`);
    else if (e.type === 'done') io.err(`  done       ${e.name} sha256 ${e.sha256.slice(0, 16)}…\n`);
    else if (e.type === 'progress' && io.isTTY && Date.now() - last > 500) {
      last = Date.now();
      io.err(`  ${formatSize(e.received)}${e.total ? ` of ${formatSize(e.total)}` : ''}  ${e.name}\r`);
    }
  };
}

function printProblems(problems: StageProblem[], io: CliIo): void {
  for (const p of problems) io.out(`${p.severity}: ${p.message}${p.at ? `\n  at ${p.at}` : ''}\n  fix: ${p.fix}\n`);
}

const OPTIONS = {
  cache: { type: 'string' },
  out: { type: 'string' },
  'api-base': { type: 'string' },
  'token-file': { type: 'string' },
  proxy: { type: 'string' },
  'no-proxy': { type: 'string' },
  ca: { type: 'string', multiple: true },
  artifact: { type: 'string', multiple: true },
  'idle-timeout': { type: 'string' },
  'media-limit': { type: 'string' },
  offline: { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

export const stageCommand: Command = {
  name: 'stage',
  summary: 'fetch CycleCloud projects and other artifacts for an offline server',
  usage: USAGE,
  async run(args, io) {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: OPTIONS });
    const [sub, file, ...extra] = positionals;
    if ((sub !== 'fetch' && sub !== 'plan') || file === undefined || extra.length > 0)
      throw new CliError('usage: junction stage fetch|plan <workspace> [options]', 'see `junction stage --help`');
    const loaded = await loadOrExplain(resolve(io.cwd, file), io, values.json === true);
    if (!loaded) return 2;
    const opts = await stageOptions(values, io);
    const artifacts = (values.artifact ?? []).map(parseArtifactArg).map((a) => (/^https?:\/\//i.test(a.source) ? a : { ...a, source: resolve(io.cwd, a.source) }));

    if (values.offline) {
      if (sub !== 'plan') throw new CliError('--offline goes with `stage plan`', 'fetch needs the network; plan --offline lists what it would bring');
      const plan = await planStageOffline(loaded.workspace, opts, artifacts);
      if (values.json) io.out(JSON.stringify({ offline: true, ...plan }, null, 2) + '\n');
      else {
        for (const p of plan.projects)
          io.out(`${p.project} ${p.version}  (${p.repo}@${p.tag})\n  source  -> ${p.sourceDir}/\n  blobs   -> ${p.blobsDir}/\n`);
        for (const a of plan.artifacts) io.out(`artifact  ${a.name}  ${a.size !== undefined ? formatSize(a.size) : 'size unknown'}${a.cached ? '  (cached)' : ''}\n`);
        printProblems(plan.problems, io);
        io.out('offline: sizes and missing blobs are known only to a plan that reaches the GitHub API (run it without --offline where it can)\n');
      }
      return plan.problems.some((p) => p.severity === 'error') ? 1 : 0;
    }

    if (sub === 'plan') {
      const limitText = values['media-limit'] ?? '4GiB';
      const limit = parseSize(limitText);
      if (limit === undefined) throw new CliError(`--media-limit "${limitText}" is not a size`, 'write it like 4GiB, 700MB or 25GB');
      const plan = await planStage(loaded.workspace, { ...opts, onEvent: values.json ? undefined : progressPrinter(io) }, artifacts);
      const over = plan.totalBytes > limit;
      const complete = plan.unreached.length === 0;
      if (values.json) {
        io.out(JSON.stringify({ ...plan, mediaLimit: limit, complete, fits: complete ? !over : null }, null, 2) + '\n');
      } else if (!complete) {
        // Without the releases there is no total to compare with the media: say what was not reached and stop.
        printProblems(plan.problems, io);
        io.out(
          `plan incomplete: could not reach or read the release of ${plan.unreached.map((u) => u.project).join(', ')}, so the total and the fit on the media are unknown.\n` +
            `  fix: run it where ${opts.http.apiBase} is reachable (see --proxy, --ca), or list what would be fetched with --offline\n`,
        );
      } else {
        for (const it of plan.items) {
          io.out(`${it.project} ${it.version}  (${it.repo}@${it.tag})\n  source archive  ${formatSize(it.archive.size)}\n`);
          for (const a of it.assets) io.out(`  blob  ${a.name}  ${formatSize(a.size)}${a.cached ? '  (cached)' : ''}\n`);
          for (const m of it.missing) io.out(`  MISSING  ${m.blob}  (named by ${m.referencedBy.map((r) => `${r.file}:${r.line}`).join(', ')})\n`);
        }
        for (const a of plan.artifacts) io.out(`artifact  ${a.name}  ${a.size !== undefined ? formatSize(a.size) : 'size unknown'}${a.cached ? '  (cached)' : ''}\n`);
        printProblems(plan.problems, io);
        io.out(
          `total ${formatSize(plan.totalBytes)}${plan.unknownSizes ? ` (+${plan.unknownSizes} of unknown size)` : ''}, ${formatSize(plan.toDownloadBytes)} to download; media ${formatSize(limit)}: ${over ? 'DOES NOT FIT' : 'fits'}\n`,
        );
      }
      return plan.problems.some((p) => p.severity === 'error') || over || !complete ? 1 : 0;
    }

    const out = resolve(io.cwd, values.out ?? 'junction-out');
    const r = await fetchStage(loaded.workspace, out, { ...opts, onEvent: values.json ? undefined : progressPrinter(io) }, artifacts);
    const failed = r.problems.some((p) => p.severity === 'error');
    if (values.json) {
      io.out(JSON.stringify({ out, ok: !failed && r.record !== undefined, downloadedBytes: r.downloadedBytes, problems: r.problems, files: r.record ? listStagedFiles(r.record) : [] }, null, 2) + '\n');
    } else {
      printProblems(r.problems, io);
      if (r.record) {
        const files = listStagedFiles(r.record);
        const bytes = files.reduce((n, f) => n + f.size, 0);
        io.out(`staged ${files.length} files (${formatSize(bytes)}) in ${join(out, 'staging')}; downloaded ${formatSize(r.downloadedBytes)}\n`);
        io.out(`on the CycleCloud server: sudo bash staging/cyclecloud/stage-cyclecloud.sh [--dry-run]\n`);
      } else io.out(`nothing staged: fix the errors above and rerun (downloads so far are kept in ${opts.cacheDir})\n`);
      if (failed && r.record) io.out('NOT READY to carry: see the errors above\n');
    }
    return failed || !r.record ? 1 : 0;
  },
};
