// `npm start`: until the desktop console lands, lint the embedded example (or the workspace given) with the CLI.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const workspace = process.argv[2] ?? fileURLToPath(new URL('../examples/contoso-hybrid.junction.json', import.meta.url));
const cli = fileURLToPath(new URL('../bin/junction.mjs', import.meta.url));
process.stdout.write(`Junction: linting ${workspace}\n\n`);
const r = spawnSync(process.execPath, [cli, 'lint', workspace], { stdio: 'inherit' });
process.exit(r.status ?? 1);
