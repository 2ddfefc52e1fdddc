// The service-tag list reach queries use: a ServiceTags file Microsoft publishes, kept as the cached list in the
// state folder, shared by `junction reach` and the console's "why can't A reach B" panel.
import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseCachedServiceTags, parseServiceTags, type ServiceTags } from '../../shared/reach/service-tags';
import { writeFileAtomic } from '../services/atomic-write';

export class ServiceTagsError extends Error {
  constructor(
    message: string,
    readonly fix: string,
  ) {
    super(message);
  }
}

const CACHE = 'service-tags.json';

/**
 * The last cached list read, by file identity: the reach panel asks once per question, and Microsoft's list holds
 * tens of thousands of prefixes, too many to parse and check again each time.
 */
let memo: { path: string; mtimeMs: number; size: number; tags: ServiceTags } | undefined;

async function readJson(path: string, missingOk: boolean, fix: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (missingOk && err.code === 'ENOENT') return undefined;
    throw new ServiceTagsError(
      `${path}: ${err.code === 'ENOENT' ? 'no such file' : err instanceof SyntaxError ? `not JSON (${err.message})` : err.message}`,
      fix,
    );
  }
}

/**
 * The service-tag list for this query: the file given (then kept as the cached list), else the cached one, else none.
 * A file Microsoft did not publish, or a damaged cache, is an error naming the file, the path in it and the fix.
 */
export async function serviceTags(file: string | undefined, stateDir: string, cwd: string): Promise<{ tags: ServiceTags; from: string } | undefined> {
  if (file !== undefined) {
    const path = resolve(cwd, file);
    const parsed = parseServiceTags(
      await readJson(path, false, "pass the ServiceTags_Public_<date>.json downloaded from Microsoft's 'Azure IP Ranges and Service Tags' page"),
    );
    if (!parsed.ok) throw new ServiceTagsError(`${path}: ${parsed.path}: ${parsed.message}`, parsed.fix);
    await writeFileAtomic(join(stateDir, CACHE), JSON.stringify({ savedAt: new Date().toISOString(), source: path, ...parsed.tags }));
    return { tags: parsed.tags, from: `${path} (now the cached list)` };
  }
  const path = join(stateDir, CACHE);
  const st = await stat(path).catch(() => undefined);
  if (!st) return undefined;
  if (memo && memo.path === path && memo.mtimeMs === st.mtimeMs && memo.size === st.size)
    return { tags: memo.tags, from: `the cached list ${path}` };
  const fix = `delete ${path}, then pass --service-tags FILE again`;
  const data = await readJson(path, true, fix);
  if (data === undefined) return undefined;
  const parsed = parseCachedServiceTags(data, fix);
  if (!parsed.ok) throw new ServiceTagsError(`${path}: ${parsed.path}: ${parsed.message}`, fix);
  memo = { path, mtimeMs: st.mtimeMs, size: st.size, tags: parsed.tags };
  return { tags: parsed.tags, from: `the cached list ${path}` };
}
