import { parseArgs } from 'node:util';
import type { Command } from '../io';
import { RULES } from '../../../shared/lint/rules';
import { rulesMarkdown } from '../../../shared/lint/docs';

export const rulesCommand: Command = {
  name: 'rules',
  summary: 'list the lint rules (or print docs/rules.md with --markdown)',
  usage: `junction rules [--markdown | --json]`,
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: { markdown: { type: 'boolean' }, json: { type: 'boolean' } },
    });
    if (values.markdown) io.out(rulesMarkdown());
    else if (values.json)
      io.out(
        JSON.stringify(
          RULES.map(({ id, name, severity, seeds, title, explanation }) => ({
            id,
            name,
            severity,
            seeds,
            title,
            explanation,
          })),
          null,
          2,
        ) + '\n',
      );
    else
      for (const r of RULES)
        io.out(`${r.id.padEnd(8)} ${r.severity.padEnd(8)} ${r.name.padEnd(40)} ${r.title}\n`);
    return 0;
  },
};
