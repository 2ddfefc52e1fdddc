// Reading and writing workspace files. The meaning of the bytes is decided in shared/model; this module only
// turns file-system failures into the same located, fixable problems.
import { readFile, stat } from 'node:fs/promises';
import { loadWorkspaceBytes, MAX_WORKSPACE_BYTES, tooLargeProblem, type LoadProblem, type LoadResult } from '../../shared/model/load';
import { writeFileAtomic } from './atomic-write';

export type ReadResult = (LoadResult & { text?: string }) | { ok: false; problems: LoadProblem[] };

export async function readWorkspaceFile(path: string): Promise<ReadResult & { text?: string }> {
  let bytes: Buffer;
  try {
    // The size is checked before reading, so a huge file is refused without being held in memory.
    const { size } = await stat(path);
    if (size > MAX_WORKSPACE_BYTES) return { ok: false, problems: [tooLargeProblem(path, size)] };
    bytes = await readFile(path);
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
  // A BOM from Notepad is not an error; invalid UTF-8 is (loadWorkspaceBytes names the byte offset).
  return { ...loadWorkspaceBytes(bytes, path), text: new TextDecoder().decode(bytes).replace(/^\ufeff/, '') };
}

/** Saves a workspace as stable, diff-friendly JSON (two-space indent, trailing newline). */
export async function writeWorkspaceFile(path: string, doc: unknown): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(doc, null, 2) + '\n');
}
