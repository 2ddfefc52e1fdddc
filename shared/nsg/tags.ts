// Service tag names as Azure spells them in NSG rules and routes: a tag ("Storage") or, for the tags that support a
// regional scope, the tag narrowed to one region ("Storage.WestEurope"). Which tags take a region comes from the
// "Regional" column of https://learn.microsoft.com/azure/virtual-network/service-tags-overview. Names compare
// case-blind, as ARM treats them (and as Microsoft's own file mixes "AzureCloud.westeurope" with "Storage.WestEurope").
import { SERVICE_TAGS } from '../model/schema';
import { contains, isValidAddress, isValidCidr } from '../net/cidr';

/** Tags whose regional form NSG rules accept (service-tags-overview, "Regional" column). */
export const REGIONAL_TAGS: readonly string[] = ['Storage', 'AzureCloud', 'AzureMonitor', 'AzureResourceManager'];

export interface TagName {
  /** The tag as declared in SERVICE_TAGS ("Storage"), whatever case it was written in. */
  base: string;
  /** The region suffix as written ("WestEurope"), if any. */
  region?: string;
}

/** "Storage.EastUS2" → { base: "Storage", region: "EastUS2" }; undefined when the base is not a known tag. */
export function parseTag(text: string): TagName | undefined {
  const dot = text.indexOf('.');
  const head = dot < 0 ? text : text.slice(0, dot);
  const base = SERVICE_TAGS.find((t) => t.toLowerCase() === head.toLowerCase());
  if (!base) return undefined;
  if (dot < 0) return { base };
  const region = text.slice(dot + 1);
  return /^[A-Za-z0-9]+$/.test(region) ? { base, region } : undefined;
}

/** Whether a string is written as a tag name at all (not "*", not an address or prefix). */
export function isTag(prefix: string): boolean {
  return prefix !== '*' && !isValidCidr(prefix) && !isValidAddress(prefix);
}

/** ARM location names ("westeurope") and display names ("West Europe") and tag suffixes ("WestEurope") compare alike. */
export function normalizeRegion(region: string): string {
  return region.replace(/[\s_-]+/g, '').toLowerCase();
}

/** The regional form of `tag` for a site region, when the tag supports one: ("Storage", "westeurope") → Storage.westeurope. */
export function regionalTag(tag: string, region: string | undefined): string {
  return region && REGIONAL_TAGS.includes(tag) ? `${tag}.${normalizeRegion(region)}` : tag;
}

/** Tags that are subsets of another tag. Public Azure service endpoints are Internet addresses. */
const TAG_PARENTS: Readonly<Record<string, readonly string[]>> = {
  Storage: ['AzureCloud', 'Internet'],
  AzureActiveDirectory: ['Internet'],
  AzureMonitor: ['AzureCloud', 'Internet'],
  AzureResourceManager: ['AzureCloud', 'Internet'],
  GatewayManager: ['AzureCloud', 'Internet'],
  AzureCloud: ['Internet'],
};

/**
 * Whether tag `outer` includes every address of tag `inner`, by definition (no address list): Storage.WestEurope ⊂
 * Storage ⊂ AzureCloud ⊂ Internet, and Storage.WestEurope ⊂ AzureCloud.WestEurope, but nothing regional contains
 * another region's addresses or a whole-cloud tag.
 */
export function tagContains(outer: string, inner: string): boolean {
  const o = parseTag(outer);
  const i = parseTag(inner);
  if (!o || !i) return outer.toLowerCase() === inner.toLowerCase();
  if (o.region !== undefined) {
    if (i.region === undefined || normalizeRegion(i.region) !== normalizeRegion(o.region)) return false;
  }
  if (o.base === i.base) return true;
  return (TAG_PARENTS[i.base] ?? []).includes(o.base);
}

const lowered = new WeakMap<object, Map<string, readonly string[]>>();

/** A tag's prefixes from a cached ServiceTags list, looked up case-blind; undefined when the list lacks the tag. */
export function tagPrefixes(
  list: Readonly<Record<string, readonly string[]>>,
  tag: string,
): readonly string[] | undefined {
  let m = lowered.get(list);
  if (!m) {
    m = new Map(Object.entries(list).map(([k, v]) => [k.toLowerCase(), v]));
    lowered.set(list, m);
  }
  const t = parseTag(tag);
  const key = t?.region !== undefined ? `${t.base}.${t.region}` : (t?.base ?? tag);
  return m.get(key.toLowerCase());
}

/** With exact prefixes: every prefix of `inner` lies inside one of `outer`. */
export function prefixesCover(outer: readonly string[], inner: readonly string[]): boolean {
  return inner.length > 0 && inner.every((p) => outer.some((o) => contains(o, p)));
}
