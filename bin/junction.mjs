#!/usr/bin/env node
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(fileURLToPath(cli))) {
  process.stderr.write(
    'junction: the CLI is not built yet\n  fix: run `npm install` (or `npm run build`) in the Junction folder\n',
  );
  process.exit(2);
}
await import(cli.href);
