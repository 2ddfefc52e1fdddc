// Everything needed to reach ARM from a restricted network: endpoints, sign-in method, proxy, an extra trusted CA
// (TLS-inspecting proxies), retry and poll timing. The same settings feed the credential and the ARM client.
import { readFile } from 'node:fs/promises';
import { checkServerIdentity, rootCertificates, type PeerCertificate } from 'node:tls';
import { HttpsProxyAgent } from 'https-proxy-agent';
import type { TokenCredential } from '@azure/identity';
import {
  AzureCliCredential,
  ClientCertificateCredential,
  DeviceCodeCredential,
  InteractiveBrowserCredential,
  type DeviceCodeInfo,
} from '@azure/identity';
import {
  createDefaultHttpClient,
  createPipelineFromOptions,
  createPipelineRequest,
  type PipelineOptions,
} from '@azure/core-rest-pipeline';
import forge from 'node-forge';

export type { TokenCredential };

export type SignInMethod = 'device-code' | 'certificate' | 'cli' | 'browser';

export interface ConnectionSettings {
  armEndpoint: string;
  authorityHost: string;
  scope: string;
  method: SignInMethod;
  tenantId?: string;
  clientId?: string;
  /** PEM (key + certificate) or PFX/P12 file for a service principal. */
  certificatePath?: string;
  certificatePassword?: string;
  proxy?: string;
  /** PEM bundle trusted in addition to the system roots. */
  caPem?: string;
  /** For private clouds and local token endpoints that are not in Microsoft's instance list. */
  disableInstanceDiscovery?: boolean;
  retry: { maxRetries: number; retryDelayInMs: number; maxRetryDelayInMs: number };
  pollIntervalMs: number;
}

/**
 * HttpsProxyAgent's constructor options shape the connection to the proxy; the TLS session to ARM inside the tunnel
 * takes the options of each connection, so the extra CA is added there.
 */
class CaProxyAgent extends HttpsProxyAgent<string> {
  constructor(
    proxy: string,
    private readonly ca: string[],
  ) {
    super(proxy, { keepAlive: true });
  }
  override connect(req: Parameters<HttpsProxyAgent<string>['connect']>[0], opts: Parameters<HttpsProxyAgent<string>['connect']>[1]) {
    // The agent leaves the target host out of the inner TLS options, so Node would check the certificate against
    // "localhost" for an address target (no SNI for IPs): check it against the host actually asked for.
    const host = opts.host ?? '';
    const tlsOpts = { ca: this.ca, checkServerIdentity: (_: string, cert: PeerCertificate) => checkServerIdentity(host, cert) };
    return super.connect(req, { ...opts, ...tlsOpts } as typeof opts);
  }
}

/** One tunnelling agent per proxy and CA: keep-alive connections are reused across the pipelines of a run. */
const proxyAgents = new Map<string, HttpsProxyAgent<string>>();

/**
 * Pipeline options shared by the credential and the ARM client. With a proxy, the SDK's own proxy policy drops
 * tlsOptions ("not supported in combination with custom Proxy"), so an extra CA (say, a TLS-inspecting proxy's)
 * would be ignored: the tunnelling agent is made here instead, with the CA, and handed to the pipeline.
 */
export function pipelineOptions(s: ConnectionSettings): PipelineOptions {
  // `ca` replaces Node's roots; keep them so the extra CA is an addition, not a substitute.
  const ca = s.caPem ? [...rootCertificates, s.caPem] : undefined;
  if (s.proxy) {
    const key = JSON.stringify([s.proxy, s.caPem ?? null]);
    let agent = proxyAgents.get(key);
    if (!agent) {
      agent = ca ? new CaProxyAgent(s.proxy, ca) : new HttpsProxyAgent(s.proxy, { keepAlive: true });
      proxyAgents.set(key, agent);
    }
    return { retryOptions: s.retry, agent };
  }
  return { retryOptions: s.retry, ...(ca ? { tlsOptions: { ca } } : {}) };
}

async function certificatePem(path: string, password: string | undefined): Promise<string> {
  const raw = await readFile(path);
  if (/\.(pfx|p12)$/i.test(path)) {
    // Converted in memory: the private key never lands on disk in plain text.
    const p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(forge.util.createBuffer(raw.toString('binary'))), password ?? '');
    const oids = forge.pki.oids as Record<string, string>;
    const bags = (type: string) => p12.getBags({ bagType: type })[type] ?? [];
    const keyBag = bags(oids['pkcs8ShroudedKeyBag']!)[0] ?? bags(oids['keyBag']!)[0];
    const certs = bags(oids['certBag']!);
    if (!keyBag?.key || certs.length === 0) throw new Error(`${path} holds no private key and certificate`);
    return forge.pki.privateKeyToPem(keyBag.key) + certs.map((c: forge.pkcs12.Bag) => (c.cert ? forge.pki.certificateToPem(c.cert) : '')).join('');
  }
  return raw.toString('utf8');
}

export async function makeCredential(s: ConnectionSettings, prompt: (info: DeviceCodeInfo) => void, desktop = false): Promise<TokenCredential> {
  const common = { ...pipelineOptions(s), authorityHost: s.authorityHost, ...(s.disableInstanceDiscovery ? { disableInstanceDiscovery: true } : {}) };
  const need = (v: string | undefined, what: string) => {
    if (!v) throw new Error(`${what} is required for sign-in method ${s.method}`);
    return v;
  };
  switch (s.method) {
    case 'device-code':
      return new DeviceCodeCredential({ ...common, tenantId: s.tenantId ?? 'organizations', ...(s.clientId ? { clientId: s.clientId } : {}), userPromptCallback: prompt });
    case 'certificate': {
      const pem = await certificatePem(need(s.certificatePath, '--certificate'), s.certificatePassword);
      return new ClientCertificateCredential(need(s.tenantId, '--tenant'), need(s.clientId, '--client-id'), { certificate: pem }, common);
    }
    case 'cli':
      return new AzureCliCredential(s.tenantId ? { tenantId: s.tenantId } : {});
    case 'browser':
      if (!desktop) throw new Error('interactive browser sign-in is only available in the desktop app; use device-code, certificate or cli');
      return new InteractiveBrowserCredential({ ...common, tenantId: s.tenantId ?? 'organizations', ...(s.clientId ? { clientId: s.clientId } : {}) });
  }
}

/** GET through the same proxy/CA settings; used for metadata discovery and the connectivity probe. */
export async function fetchJson(s: Pick<ConnectionSettings, 'caPem' | 'proxy' | 'retry'>, url: string, timeoutMs = 8000): Promise<unknown> {
  const pipeline = createPipelineFromOptions({ ...pipelineOptions({ ...(s as ConnectionSettings), retry: { ...s.retry, maxRetries: 0 } }) });
  const res = await pipeline.sendRequest(createDefaultHttpClient(), createPipelineRequest({ url, method: 'GET', timeout: timeoutMs }));
  if (res.status >= 400) throw new Error(`GET ${url} answered ${res.status}`);
  return JSON.parse(res.bodyAsText ?? 'null');
}

/** Is ARM reachable right now? Any HTTP answer counts; only a network failure means offline. */
export async function probeArm(s: ConnectionSettings, timeoutMs = 5000): Promise<{ online: boolean; detail: string }> {
  try {
    const pipeline = createPipelineFromOptions({ ...pipelineOptions({ ...s, retry: { ...s.retry, maxRetries: 0 } }) });
    const res = await pipeline.sendRequest(createDefaultHttpClient(), createPipelineRequest({ url: `${s.armEndpoint}/metadata/endpoints?api-version=2015-01-01`, method: 'GET', timeout: timeoutMs }));
    return { online: true, detail: `HTTP ${res.status}` };
  } catch (e) {
    return { online: false, detail: (e as Error).message };
  }
}
