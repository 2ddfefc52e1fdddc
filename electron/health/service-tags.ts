// The service-tag list reach queries use: a ServiceTags file Microsoft publishes, kept as the cached list in the
// state folder, shared by `junction reach` and the console's "why can't A reach B" panel.
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseServiceTags, type ServiceTags } from '../../shared/reach/service-tags';
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
 * The service-tag list for this query: the file given (then kept as the cached list), else the cached one, else none.
 * A file Microsoft did not publish, or a damaged cache, is an error naming the file, the path in it and the fix.
 */
export async function serviceTags(file: string | undefined, stateDir: string, cwd: string): Promise<{ tags: ServiceTags; from: string } | undefined> {
  const read = async (path: string, cached: boolean) => {
    let data: unknown;
    try {
      data = JSON.parse(await readFile(path, 'utf8'));
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (cached && err.code === 'ENOENT') return undefined;
      throw new ServiceTagsError(
        `${path}: ${err.code === 'ENOENT' ? 'no such file' : err instanceof SyntaxError ? `not JSON (${err.message})` : err.message}`,
        cached ? `delete ${path}, then pass --service-tags FILE again` : "pass the ServiceTags_Public_<date>.json downloaded from Microsoft's 'Azure IP Ranges and Service Tags' page",
      );
    }
    const parsed = parseServiceTags(cached ? { ...(data as object), values: Object.entries((data as { prefixes?: object }).prefixes ?? {}).map(([name, addressPrefixes]) => ({ name, properties: { addressPrefixes } })) } : data);
    if (!parsed.ok) throw new ServiceTagsError(`${path}: ${parsed.path}: ${parsed.message}`, cached ? `delete ${path}, then pass --service-tags FILE again` : parsed.fix);
    return parsed.tags;
  };
  if (file !== undefined) {
    const path = resolve(cwd, file);
    const tags = (await read(path, false))!;
    await writeFileAtomic(join(stateDir, CACHE), JSON.stringify({ savedAt: new Date().toISOString(), source: path, ...tags }));
    return { tags, from: `${path} (now the cached list)` };
  }
  const cachePath = join(stateDir, CACHE);
  const tags = await read(cachePath, true);
  return tags ? { tags, from: `the cached list ${cachePath}` } : undefined;
}

