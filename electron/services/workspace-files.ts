// Reading and writing workspace files. The meaning of the bytes is decided in shared/model; this module only
// turns file-system failures into the same located, fixable problems.
import { readFile } from 'node:fs/promises';
import { loadWorkspace, type LoadProblem, type LoadResult } from '../../shared/model/load';
import { writeFileAtomic } from './atomic-write';

export type ReadResult = (LoadResult & { text?: string }) | { ok: false; problems: LoadProblem[] };

export async function readWorkspaceFile(path: string): Promise<ReadResult & { text?: string }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EACCES' || code === 'EPERM'
          ? 'permission denied'
          : code === 'EISDIR'
            ? 'this is a directory, not a workspace file'
            : ((e as Error).message ?? String(e));
    return {
      ok: false,
      problems: [
        {
          file: path,
          kind: 'io',
          message: `cannot read the workspace: ${reason}`,
          fix:
            code === 'ENOENT'
              ? 'check the path; `junction init FILE` creates a workspace from the example'
              : code === 'EISDIR'
                ? 'name the .junction.json (or .yaml) file inside it'
                : 'check the file permissions',
        },
      ],
    };
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // a BOM from Notepad is not an error
  return { ...loadWorkspace(text, path), text };
}

/** Saves a workspace as stable, diff-friendly JSON (two-space indent, trailing newline). */
export async function writeWorkspaceFile(path: string, doc: unknown): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(doc, null, 2) + '\n');
}
