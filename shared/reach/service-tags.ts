// Azure's service tags as the reach engine needs them: tag name → address prefixes, read from the JSON Microsoft
// publishes weekly ("Azure IP Ranges and Service Tags", ServiceTags_Public_<date>.json and the sovereign clouds'
// files). An admin downloads it on a connected machine and carries it in; Junction keeps the last one it was given.
import { z } from 'zod';
import { isValidCidr } from '../net/cidr';

const ServiceTagsFile = z.object({
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

export interface ServiceTags {
  changeNumber: number;
  cloud: string;
  /** Tag (and regional tag, e.g. Storage.WestEurope) → its prefixes. */
  prefixes: Record<string, string[]>;
}

export type ServiceTagsParse =
  | { ok: true; tags: ServiceTags }
  | { ok: false; path: string; message: string; fix: string };

export function parseServiceTags(data: unknown): ServiceTagsParse {
  const r = ServiceTagsFile.safeParse(data);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    return {
      ok: false,
      path: `$${issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')}`,
      message: issue.message,
      fix: "use the file Microsoft publishes as-is (ServiceTags_Public_<date>.json): { changeNumber, cloud, values: [{ name, properties: { addressPrefixes } }] }",
    };
  }
  const prefixes: Record<string, string[]> = {};
  for (const [i, v] of r.data.values.entries()) {
    const bad = v.properties.addressPrefixes.findIndex((p) => !isValidCidr(p));
    if (bad >= 0)
      return {
        ok: false,
        path: `$.values[${i}].properties.addressPrefixes[${bad}]`,
        message: `"${v.properties.addressPrefixes[bad]}" is not an address prefix`,
        fix: 'download the file again; it is not the one Microsoft publishes',
      };
    prefixes[v.name] = v.properties.addressPrefixes;
  }
  return { ok: true, tags: { changeNumber: r.data.changeNumber, cloud: r.data.cloud, prefixes } };
}
