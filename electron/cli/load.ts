import { readWorkspaceFile } from '../services/workspace-files';
import { formatProblem, type SourceMap } from '../../shared/model/load';
import type { Workspace } from '../../shared/model/schema';
import type { CliIo } from './io';

/** Loads a workspace for a command, or prints every problem (located, with its fix) and returns undefined. */
export async function loadOrExplain(
  file: string,
  io: CliIo,
  json = false,
): Promise<{ workspace: Workspace; source: SourceMap } | undefined> {
  const r = await readWorkspaceFile(file);
  if (r.ok) return { workspace: r.workspace, source: r.source };
  if (json) io.out(JSON.stringify({ file, loadErrors: r.problems }, null, 2) + '\n');
  else {
    io.err(r.problems.map(formatProblem).join('\n') + '\n');
    io.err(
      `${file}: ${r.problems.length} problem${r.problems.length === 1 ? '' : 's'}; nothing was checked\n`,
    );
  }
  return undefined;
}
