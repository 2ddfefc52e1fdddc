// Where to sign in and which ARM endpoint to talk to, per cloud. Azure Stack Hub publishes its own endpoints at
// <arm>/metadata/endpoints (login endpoint and token audience), so a custom ARM endpoint is read, not guessed.
import { AzureAuthorityHosts } from '@azure/identity';

export type CloudName = 'AzurePublicCloud' | 'AzureUSGovernment' | 'AzureChinaCloud' | 'AzureStackHub';

export interface CloudEndpoints {
  cloud: CloudName | 'custom';
  armEndpoint: string;
  authorityHost: string;
  /** Token scope for ARM calls. */
  scope: string;
}

const KNOWN: Record<Exclude<CloudName, 'AzureStackHub'>, { arm: string; authority: string }> = {
  AzurePublicCloud: { arm: 'https://management.azure.com', authority: AzureAuthorityHosts.AzurePublicCloud },
  AzureUSGovernment: { arm: 'https://management.usgovcloudapi.net', authority: AzureAuthorityHosts.AzureGovernment },
  AzureChinaCloud: { arm: 'https://management.chinacloudapi.cn', authority: AzureAuthorityHosts.AzureChina },
};

const trim = (s: string) => s.replace(/\/+$/, '');

export function knownCloud(cloud: Exclude<CloudName, 'AzureStackHub'>): CloudEndpoints {
  const k = KNOWN[cloud];
  return { cloud, armEndpoint: k.arm, authorityHost: k.authority, scope: `${k.arm}/.default` };
}

/** Reads <arm>/metadata/endpoints (Azure Stack Hub and any ARM that publishes it). */
export async function discoverCloud(armEndpoint: string, fetchJson: (url: string) => Promise<unknown>): Promise<CloudEndpoints> {
  const arm = trim(armEndpoint);
  const meta = (await fetchJson(`${arm}/metadata/endpoints?api-version=2015-01-01`)) as {
    authentication?: { loginEndpoint?: string; audiences?: string[] };
  };
  const login = meta.authentication?.loginEndpoint;
  const audience = meta.authentication?.audiences?.[0];
  if (!login || !audience) throw new Error(`${arm}/metadata/endpoints has no authentication.loginEndpoint/audiences`);
  // ADFS-backed stamps end the login endpoint in /adfs; MSAL wants the host part as authority host in both cases.
  const authorityHost = trim(login).replace(/\/adfs$/i, '');
  return { cloud: 'custom', armEndpoint: arm, authorityHost, scope: `${trim(audience)}/.default` };
}
