// ARM list paging for the emulator: with a page size set, a LIST answers `pageSize` items and a `nextLink` carrying
// a $skiptoken (as ARM's list operations do), which the SDK's pagers follow. Without one, everything on one page.
export interface Page {
  value: unknown[];
  nextLink?: string;
}

export function listPage(all: readonly unknown[], url: URL, pageSize: number | undefined): Page {
  if (!pageSize || pageSize < 1) return { value: [...all] };
  const skip = Number(url.searchParams.get('$skiptoken') ?? '0') || 0;
  const value = all.slice(skip, skip + pageSize);
  if (skip + pageSize >= all.length) return { value };
  const next = new URL(url.toString());
  next.searchParams.set('$skiptoken', String(skip + pageSize));
  return { value, nextLink: next.toString() };
}
