// `junction drift <workspace>`: the model against the latest state each host reported (receipt import) and
// Azure's last read (the snapshot `azure plan` saves). Offline: it reads only files.
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import type { Command } from '../io';
import { CliError } from '../io';
import { loadOrExplain } from '../load';
import { stateDir } from '../../azure/state';
import { driftReport, observedFileOf, ObservedStateError, type DriftReport } from '../../bundle/drift-report';
import { formatDrift } from '../../../shared/state/drift';

export const driftCommand: Command = {
  name: 'drift',
  summary: 'compare the model with what the hosts and Azure were last seen to have, with the step that fixes each',
  usage: `junction drift <workspace> [--json] [--observed FILE] [--state-dir DIR] [--expiring-days N]

  Compares the workspace with the latest state report of each host (collected by collect-state.ps1/.sh, brought
  back with \`junction receipt import\`, kept in <workspace>.observed.json) and with Azure's last read (the
  snapshot \`junction azure plan\` saves): missing or extra routes, metrics that differ, addresses, certificates
  missing from their store, expired or expiring (default within 30 days), RRAS and the relay account on a
  junction box, the CycleCloud staging tree, and Azure properties. Each difference names the workspace path, the
  observed value and when it was observed, and the generated step that fixes it (or says the model should
  change). Exit 0 no drift, 1 drift found, 2 bad input.`,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { json: { type: 'boolean' }, observed: { type: 'string' }, 'state-dir': { type: 'string' }, 'expiring-days': { type: 'string' } },
    });
    if (positionals.length !== 1) throw new CliError('drift takes exactly one workspace file', 'junction drift <workspace> [--json]');
    const file = resolve(io.cwd, positionals[0]!);
    const loaded = await loadOrExplain(file, io, values.json === true);
    if (!loaded) return 2;
    const ws = loaded.workspace;
    const days = values['expiring-days'] === undefined ? undefined : Number(values['expiring-days']);
    if (days !== undefined && !(Number.isInteger(days) && days >= 0))
      throw new CliError(`--expiring-days ${values['expiring-days']}: not a whole number of days`, 'e.g. --expiring-days 30');
    const observedFile = values.observed ? resolve(io.cwd, values.observed) : observedFileOf(file);
    const dir = stateDir(values['state-dir'], io.env);
    let report: DriftReport;
    try {
      report = await driftReport(ws, { observedFile, stateDir: dir, ...(days !== undefined ? { expiringDays: days } : {}) });
    } catch (e) {
      if (!(e instanceof ObservedStateError)) throw e;
      throw new CliError(e.message, 'move it away and run `junction receipt import` again to rebuild it');
    }
    const { items, unobserved, azureSnapshot: snap, azureNotCompared } = report;
    if (values.json) {
      io.out(JSON.stringify({ workspace: ws.name, observedFile, azureSnapshot: snap ? { savedAt: snap.savedAt } : null, unobserved, drift: items }, null, 2) + '\n');
      return items.length ? 1 : 0;
    }
    io.out(formatDrift(items));
    if (unobserved.length) io.out(`not observed (no state report yet): ${unobserved.join(', ')}\n`);
    io.out(snap ? '' : `Azure: no snapshot of live state yet; \`junction azure plan ${positionals[0]}\` reads and saves one.\n`);
    if (azureNotCompared) io.out(`Azure not compared: ${azureNotCompared.source}: ${azureNotCompared.message} (${azureNotCompared.fix})\n`);
    io.out(`${items.length} difference${items.length === 1 ? '' : 's'} between ${ws.name} and what was observed (${report.observedHosts} host report${report.observedHosts === 1 ? '' : 's'}${snap ? `, Azure as read ${snap.savedAt}` : ''}).\n`);
    return items.length ? 1 : 0;
  },
};
