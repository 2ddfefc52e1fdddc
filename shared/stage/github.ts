// The parts of GitHub's REST API the stager relies on (releases and source archives). The same paths work on
// GitHub Enterprise Server (<host>/api/v3) and on internal mirrors that copy the API shape.
import { z } from 'zod';

export const DEFAULT_API_BASE = 'https://api.github.com';
export const GITHUB_JSON = 'application/vnd.github+json';
export const GITHUB_API_VERSION = '2022-11-28';

export const ReleaseAsset = z.object({
  id: z.number().int(),
  name: z.string().min(1),
  size: z.number().int().nonnegative(),
  url: z.string().optional(),
  browser_download_url: z.string().optional(),
  content_type: z.string().optional(),
  updated_at: z.string().optional(),
  /** "sha256:<hex>" on github.com since 2025; absent on older servers and most mirrors. */
  digest: z.string().nullable().optional(),
});
export type ReleaseAsset = z.infer<typeof ReleaseAsset>;

export const Release = z.object({
  id: z.number().int(),
  tag_name: z.string(),
  name: z.string().nullable().optional(),
  tarball_url: z.string().nullable().optional(),
  assets: z.array(ReleaseAsset),
});
export type Release = z.infer<typeof Release>;

function trimBase(apiBase: string): string {
  return apiBase.replace(/\/+$/, '');
}

function repoPath(repo: string): string {
  const [owner, name] = repo.split('/');
  return `/repos/${encodeURIComponent(owner ?? '')}/${encodeURIComponent(name ?? '')}`;
}

export function releaseByTagUrl(apiBase: string, repo: string, tag: string): string {
  return `${trimBase(apiBase)}${repoPath(repo)}/releases/tags/${encodeURIComponent(tag)}`;
}

/** Built from the configured base rather than taken from asset.url: a mirror may echo github.com URLs. */
export function assetUrl(apiBase: string, repo: string, assetId: number): string {
  return `${trimBase(apiBase)}${repoPath(repo)}/releases/assets/${assetId}`;
}

export function tarballUrl(apiBase: string, repo: string, tag: string): string {
  return `${trimBase(apiBase)}${repoPath(repo)}/tarball/${encodeURIComponent(tag)}`;
}

export function assetDigest(asset: ReleaseAsset): string | undefined {
  const m = /^sha256:([0-9a-f]{64})$/i.exec(asset.digest ?? '');
  return m ? m[1]!.toLowerCase() : undefined;
}

/** A reason for a non-2xx answer from the releases API, worded for the admin who has to fix it. */
export function explainApiStatus(status: number, url: string, what: string, hasToken: boolean): { message: string; fix: string } {
  if (status === 404)
    return {
      message: `${what} not found (HTTP 404 from ${url})`,
      fix: hasToken
        ? 'check the repository and tag in the workspace (cycleCloud[].projects[].source) and that the token can read the repository'
        : 'check the repository and tag in the workspace (cycleCloud[].projects[].source); a private repository needs --token-file',
    };
  if (status === 401)
    return { message: `the API rejected the token (HTTP 401 from ${url})`, fix: 'renew the token in --token-file' };
  if (status === 403 || status === 429)
    return {
      message: `access refused or rate-limited (HTTP ${status} from ${url})`,
      fix: hasToken ? 'wait for the rate limit to reset, or use a token with more quota' : 'pass a token with --token-file (unauthenticated calls are limited to 60 an hour)',
    };
  return { message: `HTTP ${status} from ${url} while fetching ${what}`, fix: 'retry later; check --api-base and the proxy settings' };
}
