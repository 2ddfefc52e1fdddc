// `junction receipt import MEDIA`: brings the far side's apply log and health report into the workspace state.
import { parseArgs } from 'node:util';
import { join, resolve } from 'node:path';
import type { Command } from '../io';
import { CliError } from '../io';
import { importReceipt, ReceiptError, RECEIPT_LIMITS } from '../../bundle/receipt-import';
import { readRegularFile, SafeReadError } from '../../bundle/safe-read';
import { resolveStateDir } from '../../bundle/trust';
import { historyFileFor, stateFileFor } from '../../health/files';

export const receiptCommand: Command = {
  name: 'receipt',
  summary: 'import the apply log and health report that came back on the media',
  usage: `junction receipt import MEDIA_BUNDLE (--workspace FILE | --state-dir DIR) [--history FILE|none] [--json]

  Reads receipt/apply-log.jsonl, receipt/health.jsonl and the far-side health reports receipt/health/*.json
  from the bundle folder on the media and records which steps ran, where, when and with what result, and what
  the far side's probes saw, and the state reports receipt/state/*.json (the latest per host is kept in
  <workspace>.observed.json, for \`junction drift\`). With --workspace the state goes to <workspace>.state.json next to it; otherwise to
  <state-dir>/state/<workspace sha256>.state.json. Far-side probe results are appended to the health history
  (default <workspace>.health.jsonl, or <state-dir>/state/<sha256>.health.jsonl), marked source "far-side"
  with the report's time. Importing twice adds nothing twice.`,
  async run(args, io) {
    const [sub, ...rest] = args;
    if (sub !== 'import') throw new CliError(sub ? `unknown receipt subcommand "${sub}"` : 'receipt needs a subcommand', 'junction receipt import MEDIA --workspace FILE');
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: { workspace: { type: 'string' }, 'state-dir': { type: 'string' }, history: { type: 'string' }, json: { type: 'boolean' } },
    });
    if (positionals.length !== 1) throw new CliError('receipt import takes the bundle folder on the media', 'junction receipt import /media/usb/<bundle> --workspace contoso.junction.json');
    const media = resolve(io.cwd, positionals[0]!);
    let stateFile: string;
    let historyFile: string | undefined;
    if (values.workspace !== undefined) {
      stateFile = stateFileFor(resolve(io.cwd, values.workspace));
      historyFile = historyFileFor(resolve(io.cwd, values.workspace));
    } else {
      const { parseManifest } = await import('../../../shared/bundle/manifest');
      // The media is hostile: manifest.json may be a FIFO, a link or huge (safe-read refuses each, naming it).
      const bytes = await readRegularFile(media, 'manifest.json', RECEIPT_LIMITS.manifestBytes).catch((e: unknown) => {
        if (e instanceof SafeReadError) throw new CliError(e.message, e.fix);
        throw e;
      });
      const m = parseManifest(bytes?.toString('utf8') ?? '{}');
      if (!m.ok) throw new CliError(`${media} holds no readable manifest.json`, 'point at the bundle folder on the media');
      stateFile = join(resolveStateDir(values['state-dir'], io.env), 'state', `${m.manifest.workspace.sha256}.state.json`);
      historyFile = join(resolveStateDir(values['state-dir'], io.env), 'state', `${m.manifest.workspace.sha256}.health.jsonl`);
    }
    if (values.history !== undefined) historyFile = values.history === 'none' ? undefined : resolve(io.cwd, values.history);
    try {
      const r = await importReceipt(media, stateFile, new Date(), historyFile ? { historyFile } : {});
      for (const w of r.warnings) io.err(`warning: ${w}\n`);
      if (values.json) {
        io.out(
          JSON.stringify(
            { stateFile: r.stateFile, bundleId: r.bundleId, addedRuns: r.addedRuns, addedHealth: r.addedHealth, addedReports: r.addedReports, historyFile: r.historyFile, addedHistory: r.addedHistory, observedFile: r.observed.observedFile, stateReports: r.observed.updated, warnings: r.warnings },
            null,
            2,
          ) + '\n',
        );
        return 0;
      }
      io.out(`imported receipt of bundle ${r.bundleId}: ${r.addedRuns} step run(s), ${r.addedHealth} health record(s) new\n`);
      for (const run of r.state.runs.filter((x) => x.bundleId === r.bundleId))
        io.out(`  ${run.host} step ${run.step}: ${run.result} (exit ${run.exitCode}) ${run.started} → ${run.finished}${run.computer ? ` on ${run.computer}` : ''}\n`);
      for (const f of (r.state.farSideReports ?? []).filter((x) => x.bundleId === r.bundleId))
        io.out(`  health ${f.host}${f.computer ? ` on ${f.computer}` : ''} at ${f.collected}: ${f.counts.ok} ok, ${f.counts.warning} warning, ${f.counts.fail} failed, ${f.counts.skipped} skipped\n`);
      if (r.historyFile) io.out(`history: ${r.addedHistory} far-side result(s) appended to ${r.historyFile}\n`);
      for (const u of r.observed.updated) io.out(`  state ${u.host} at ${u.collected}: now the latest (${u.file})\n`);
      if (r.observed.updated.length) io.out(`observed state: ${r.observed.observedFile}; compare with: junction drift <workspace>\n`);
      io.out(`state: ${r.stateFile}\n`);
      return 0;
    } catch (e) {
      if (e instanceof ReceiptError) throw new CliError(e.message, e.fix);
      throw e;
    }
  },
};
