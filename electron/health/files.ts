// Where a workspace's health lives on disk: the probe history and the receipt state sit beside the workspace
// file, named after it, so they travel with it (and with its Git repository if the admin wants them to).
import { basename, dirname, join, resolve } from 'node:path';

/** `estate.junction.json` → `estate.health.jsonl` in the same folder. */
export function historyFileFor(workspace: string): string {
  const name = basename(workspace).replace(/(\.junction)?\.(json|jsonc|ya?ml)$/i, '');
  return join(dirname(workspace), `${name}.health.jsonl`);
}

/** `estate.junction.json` → `estate.state.json`: what `junction receipt import --workspace` records. */
export function stateFileFor(workspace: string): string {
  return `${resolve(workspace)}.state.json`.replace(/\.junction\.(json|ya?ml)\.state\.json$/, '.state.json');
}
