import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { access, readFile } from 'node:fs/promises';
import type { Command } from '../io';
import { CliError } from '../io';
import { writeFileAtomic } from '../../services/atomic-write';
import { exampleWorkspacePath } from '../../services/paths';

export const initCommand: Command = {
  name: 'init',
  summary: 'create a workspace file from the embedded example',
  usage: `junction init <file> [--force]

  Writes a copy of the Contoso example (all five seed scenarios) to <file> to edit into your own estate.`,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { force: { type: 'boolean' } },
    });
    if (positionals.length !== 1)
      throw new CliError('init takes the file to create', 'junction init my-estate.junction.json');
    const target = resolve(io.cwd, positionals[0]!);
    const exists = await access(target).then(
      () => true,
      () => false,
    );
    if (exists && !values.force)
      throw new CliError(
        `${positionals[0]} already exists`,
        'choose another name, or pass --force to overwrite it',
      );
    await writeFileAtomic(target, await readFile(exampleWorkspacePath(), 'utf8'));
    io.out(`created ${positionals[0]} from the example; next: junction lint ${positionals[0]}\n`);
    return 0;
  },
};
