import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import type { Command } from '../io';
import { workspaceJsonSchema } from '../../../shared/model/json-schema';
import { writeFileAtomic } from '../../services/atomic-write';

export const schemaCommand: Command = {
  name: 'schema',
  summary: 'print (or write) the workspace JSON Schema for editors',
  usage: `junction schema [--out FILE]

  Prints the JSON Schema (draft 2020-12) of the workspace format. Point "$schema" in a workspace at it,
  or use --out to write it, for completion and inline errors in VS Code and other editors.`,
  async run(args, io) {
    const { values } = parseArgs({ args, options: { out: { type: 'string' } } });
    const text = JSON.stringify(workspaceJsonSchema(), null, 2) + '\n';
    if (values.out) {
      await writeFileAtomic(resolve(io.cwd, values.out), text);
      io.err(`wrote ${values.out}\n`);
    } else io.out(text);
    return 0;
  },
};
