import { parseArgs } from 'node:util';
import { basename, join, resolve } from 'node:path';
import { access, readFile } from 'node:fs/promises';
import type { Command } from '../io';
import { CliError } from '../io';
import { writeFileAtomic } from '../../services/atomic-write';
import { exampleWorkspacePath } from '../../services/paths';
import { readStateDir } from '../../bundle/state-import';
import { workspaceFromState } from '../../../shared/state/from-state';
import { STATE_REPORT_DIR } from '../../../shared/state/report';
import { formatProblem, loadWorkspace } from '../../../shared/model/load';
import { formatImport, runImport } from './azure-import';
import { CONNECTION_OPTIONS, importDeps } from './azure';

const exists = (p: string) =>
  access(p).then(
    () => true,
    () => false,
  );

/** DIR may be the folder of reports, or a bundle folder / receipt copy that holds receipt/state/. */
async function stateFolder(dir: string): Promise<string> {
  const nested = join(dir, ...STATE_REPORT_DIR.split('/'));
  return (await exists(nested)) ? nested : dir;
}

export const initCommand: Command = {
  name: 'init',
  summary: 'create a workspace file from the embedded example, from collected state, or from Azure',
  usage: `junction init <file> [--force]
junction init <file> --from-state DIR [--force]
junction init <file> --from-azure --subscription ID --resource-group RG [connection options] [--force]

  Without a source, writes a copy of the Contoso example (all five seed scenarios) to <file> to edit into your
  own estate. --from-state builds hosts, their interfaces (addresses, metrics, default gateways), static routes
  and the subnets they sit in from the state reports collect-state.ps1/.sh wrote (DIR is the folder of reports,
  or a bundle folder holding receipt/state/); roles it cannot tell are guessed and listed. --from-azure runs
  \`junction azure import\` into the new file (the connection options are those of \`junction azure\`); with both,
  the Azure resource group is merged into the workspace built from state.`,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        ...CONNECTION_OPTIONS,
        force: { type: 'boolean' },
        'from-state': { type: 'string' },
        'from-azure': { type: 'boolean' },
        'resource-group': { type: 'string' },
        site: { type: 'string' },
      },
    });
    if (positionals.length !== 1)
      throw new CliError('init takes the file to create', 'junction init my-estate.junction.json');
    const target = resolve(io.cwd, positionals[0]!);
    if ((await exists(target)) && !values.force)
      throw new CliError(`${positionals[0]} already exists`, 'choose another name, or pass --force to overwrite it');
    const fromState = values['from-state'];
    if (!fromState && !values['from-azure']) {
      await writeFileAtomic(target, await readFile(exampleWorkspacePath(), 'utf8'));
      io.out(`created ${positionals[0]} from the example; next: junction lint ${positionals[0]}\n`);
      return 0;
    }
    if (values['from-azure'] && (!values.subscription || !values['resource-group']))
      throw new CliError('--from-azure needs --subscription ID and --resource-group RG', 'junction init <file> --from-azure --subscription ID --resource-group RG');
    const name = basename(target).replace(/\.junction\.(json|ya?ml)$/i, '').replace(/\.(json|ya?ml)$/i, '');
    if (fromState) {
      const dir = await stateFolder(resolve(io.cwd, fromState));
      if (!(await exists(dir))) throw new CliError(`--from-state ${fromState}: no such folder`, 'give the folder of state reports, or the bundle folder that came back (it holds receipt/state/)');
      const { reports, problems } = await readStateDir(dir);
      for (const p of problems) io.err(`warning: ${p}\n`);
      if (!reports.length)
        throw new CliError(`--from-state ${fromState}: ${dir} holds no valid state report`, 'run collect-state.ps1/.sh (in every bundle, under files/state/) on the hosts, then point at the reports they wrote');
      // The newest report of each host.
      const latest = new Map<string, (typeof reports)[number]['state']>();
      for (const r of reports) {
        const k = r.state.host.toLowerCase();
        const kept = latest.get(k);
        if (!kept || Date.parse(kept.collected) < Date.parse(r.state.collected)) latest.set(k, r.state);
      }
      const { doc, notes } = workspaceFromState(name, [...latest.values()]);
      const text = JSON.stringify(doc, null, 2) + '\n';
      const check = loadWorkspace(text, target);
      if (!check.ok)
        throw new CliError(`the workspace built from ${dir} would not load (nothing was written):\n${check.problems.map(formatProblem).join('\n')}`, 'a report holds something the model cannot express; remove that report or model the host by hand');
      await writeFileAtomic(target, text);
      io.out(`created ${positionals[0]} from ${latest.size} host report(s) in ${dir}\n`);
      for (const n of notes) io.out(`  note: ${n}\n`);
    } else if (await exists(target))
      throw new CliError(`${positionals[0]} already exists, and --from-azure alone creates a new file`, `to merge Azure into an existing workspace run: junction azure import ${positionals[0]} --subscription ID --resource-group RG`);
    if (values['from-azure']) {
      const r = await runImport(target, values, io, importDeps);
      io.out(formatImport(r));
    }
    io.out(`next: junction lint ${positionals[0]}\n`);
    return 0;
  },
};
