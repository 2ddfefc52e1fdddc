// Azure's service tags as the reach engine needs them: tag name → address prefixes, read from the JSON Microsoft
// publishes weekly ("Azure IP Ranges and Service Tags", ServiceTags_Public_<date>.json and the sovereign clouds'
// files). An admin downloads it on a connected machine and carries it in; Junction keeps the last one it was given
// (in its own shape: tag → prefixes), and reads either shape back with the same checks.
import { z } from 'zod';
import { isValidCidr } from '../net/cidr';
import { formatPath } from '../model/path';

const PublishedFile = z.object({
  changeNumber: z.number().int(),
  cloud: z.string(),
  values: z
    .array(
      z.object({
        name: z.string().min(1),
        properties: z.object({ addressPrefixes: z.array(z.string()) }),
      }),
    )
    .min(1),
});

const CachedFile = z.object({
  changeNumber: z.number().int(),
  cloud: z.string(),
  prefixes: z.record(z.string(), z.array(z.string())),
});

export interface ServiceTags {
  changeNumber: number;
  cloud: string;
  /** Tag (and regional tag, e.g. Storage.WestEurope) → its prefixes. */
  prefixes: Record<string, string[]>;
}

export type ServiceTagsParse =
  | { ok: true; tags: ServiceTags }
  | { ok: false; path: string; message: string; fix: string };

const PUBLISHED_FIX =
  'use the file Microsoft publishes as-is (ServiceTags_Public_<date>.json): { changeNumber, cloud, values: [{ name, properties: { addressPrefixes } }] }';

/** The first prefix that is not one, with where it sits in the document. */
function badPrefix(
  tags: readonly { name: string; prefixes: readonly string[]; at: (string | number)[] }[],
): { path: string; message: string } | undefined {
  for (const t of tags) {
    const i = t.prefixes.findIndex((p) => !isValidCidr(p));
    if (i >= 0) return { path: formatPath([...t.at, i]), message: `"${t.prefixes[i]}" is not an address prefix` };
  }
  return undefined;
}

/** Microsoft's published file. */
export function parseServiceTags(data: unknown): ServiceTagsParse {
  const r = PublishedFile.safeParse(data);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    return { ok: false, path: formatPath(issue.path as (string | number)[]), message: issue.message, fix: PUBLISHED_FIX };
  }
  const bad = badPrefix(
    r.data.values.map((v, i) => ({ name: v.name, prefixes: v.properties.addressPrefixes, at: ['values', i, 'properties', 'addressPrefixes'] })),
  );
  if (bad) return { ok: false, ...bad, fix: 'download the file again; it is not the one Microsoft publishes' };
  const prefixes = Object.fromEntries(r.data.values.map((v) => [v.name, v.properties.addressPrefixes]));
  return { ok: true, tags: { changeNumber: r.data.changeNumber, cloud: r.data.cloud, prefixes } };
}

/** Junction's cached copy (written from a checked published file; checked again in case it was edited). */
export function parseCachedServiceTags(data: unknown, fix: string): ServiceTagsParse {
  const r = CachedFile.safeParse(data);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    return { ok: false, path: formatPath(issue.path as (string | number)[]), message: issue.message, fix };
  }
  const bad = badPrefix(Object.entries(r.data.prefixes).map(([name, prefixes]) => ({ name, prefixes, at: ['prefixes', name] })));
  if (bad) return { ok: false, ...bad, fix };
  return { ok: true, tags: { changeNumber: r.data.changeNumber, cloud: r.data.cloud, prefixes: r.data.prefixes } };
}
