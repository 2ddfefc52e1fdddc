// Where bundled resources live. The CLI and main process are built into dist/; resources sit beside it in the
// repository and in the packaged app (electron-builder copies examples/ and assets/).
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { existsSync } from 'node:fs';

function appRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    if (existsSync(join(dir, 'examples', 'contoso-hybrid.junction.json'))) return dir;
    dir = dirname(dir);
  }
  return process.cwd();
}

export function exampleWorkspacePath(): string {
  return join(appRoot(), 'examples', 'contoso-hybrid.junction.json');
}

export function resourcePath(...parts: string[]): string {
  return join(appRoot(), ...parts);
}
