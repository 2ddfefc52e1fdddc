// A local HTTPS ARM emulator for Microsoft.Network 2025-05-01: PUT/GET/DELETE/LIST with response shapes from the
// swagger examples (NetworkSecurityGroupCreateWithRule.json & co.), 201/200 + Azure-AsyncOperation polling,
// 202 + Location for delete (400 InUse... while another resource refers to it), etags with 412 on If-Match mismatch,
// fault injection (429 + Retry-After: 2), and an Entra-like token endpoint
// (OIDC discovery, device code, client credentials) so credentials run their real flows against it.
// Live VPN status: connections carry connectionStatus, byte counters and tunnelConnectionStatus (set by tests with
// setConnectionStatus), and POST virtualNetworkGateways/{name}/getBgpPeerStatus answers 202 + Location, then the
// BgpPeerStatusListResult ({ value: BgpPeerStatus[] }, set with setBgpPeers) once polled. The 2025-05-01 examples were
// not readable here; the shapes follow @azure/arm-network 36's models (VirtualNetworkGatewayConnection,
// TunnelConnectionHealth, BgpPeerStatus) and the older published GetBGPPeerStatus example.
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { listPage } from './paging';
import { refuseWrite } from './validate';

export const API = '2025-05-01';

export interface Fault {
  kind: '429' | '500' | 'reset' | 'lro-failed';
  method?: string;
  /** Tested against the path (no query). */
  match?: RegExp;
  times: number;
}

type Obj = Record<string, unknown>;
interface Stored {
  body: Obj;
  /** Write-only values (connection sharedKey), kept out of GET responses. */
  secret?: Obj;
}
interface Op {
  kind: 'put' | 'delete' | 'bgp';
  id: string;
  polls: number;
  fail?: boolean;
  /** getBgpPeerStatus?peer=: only that neighbor. */
  peer?: string;
}

/** Runtime fields of a connection (read-only in ARM): what the gateway reports, not what was PUT. */
export interface ConnectionRuntime {
  connectionStatus?: 'Unknown' | 'Connecting' | 'Connected' | 'NotConnected';
  ingressBytesTransferred?: number;
  egressBytesTransferred?: number;
  tunnelConnectionStatus?: { tunnel: string; connectionStatus: string; ingressBytesTransferred: number; egressBytesTransferred: number; lastConnectionEstablishedUtcTime?: string }[];
}
const RUNTIME_FIELDS = ['connectionStatus', 'ingressBytesTransferred', 'egressBytesTransferred', 'tunnelConnectionStatus'] as const;

export interface BgpPeer {
  localAddress: string;
  neighbor: string;
  asn: number;
  state: 'Unknown' | 'Stopped' | 'Idle' | 'Connecting' | 'Connected';
  connectedDuration: string;
  routesReceived: number;
  messagesSent: number;
  messagesReceived: number;
}

const SUB_LISTS: Record<string, string> = { securityRules: 'securityRules', routes: 'routes', subnets: 'subnets', ipConfigurations: 'ipConfigurations' };
const CHILD_TYPES: Record<string, string> = { networkSecurityGroups: 'securityRules', routeTables: 'routes', virtualNetworks: 'subnets' };
const DEFAULT_RULES: [string, string, string, string, string, number, string][] = [
  ['AllowVnetInBound', 'Allow inbound traffic from all VMs in VNET', 'VirtualNetwork', 'VirtualNetwork', 'Allow', 65000, 'Inbound'],
  ['AllowAzureLoadBalancerInBound', 'Allow inbound traffic from azure load balancer', 'AzureLoadBalancer', '*', 'Allow', 65001, 'Inbound'],
  ['DenyAllInBound', 'Deny all inbound traffic', '*', '*', 'Deny', 65500, 'Inbound'],
  ['AllowVnetOutBound', 'Allow outbound traffic from all VMs to all VMs in VNET', 'VirtualNetwork', 'VirtualNetwork', 'Allow', 65000, 'Outbound'],
  ['AllowInternetOutBound', 'Allow outbound traffic from all VMs to Internet', '*', 'Internet', 'Allow', 65001, 'Outbound'],
  ['DenyAllOutBound', 'Deny all outbound traffic', '*', '*', 'Deny', 65500, 'Outbound'],
];

const etag = () => `W/"${randomUUID()}"`;
const b64url = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

export class ArmEmulator {
  readonly resources = new Map<string, Stored>();
  readonly ops = new Map<string, Op>();
  /** Lower-cased ids of PUTs that were applied, in order (the duplicate-PUT counter). */
  readonly appliedPuts: string[] = [];
  /** Every answered request: `at` is when it arrived (ms since epoch), `headers` the extra response headers sent. */
  /** remotePort: the client's port as the emulator saw it (a request through a proxy comes from the proxy's side). */
  readonly requests: { method: string; path: string; status: number; at: number; remotePort: number; ifMatch?: string; headers: Record<string, string> }[] = [];
  readonly tokenGrants: string[] = [];
  faults: Fault[] = [];
  /** Apply the Nth PUT but never answer it (so a test can kill the client mid-step). */
  hangOnPut?: number;
  onPutApplied?: (count: number) => void;
  /** Polls an operation takes before it finishes. */
  pollsToFinish = 1;
  /** Items per LIST page (then a nextLink); unset: one page. */
  pageSize?: number;
  readonly token = `tok-${randomUUID()}`;
  private server?: Server;
  base = '';
  private readonly hung: ServerResponse[] = [];
  private readonly arrivedAt = new WeakMap<IncomingMessage, number>();
  /** Lower-cased gateway id → its BGP peers as getBgpPeerStatus reports them. */
  private readonly bgpPeers = new Map<string, BgpPeer[]>();

  constructor(private readonly tls: { key: string; cert: string }) {}

  async start(): Promise<string> {
    this.server = createServer({ key: this.tls.key, cert: this.tls.cert }, (req, res) => {
      this.arrivedAt.set(req, Date.now());
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        try {
          this.handle(req, res, Buffer.concat(chunks).toString('utf8'));
        } catch (e) {
          this.send(res, req, 500, { error: { code: 'EmulatorBug', message: String((e as Error).stack) } });
        }
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.base = `https://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.base;
  }

  async stop(): Promise<void> {
    for (const r of this.hung) r.destroy();
    this.server?.closeAllConnections();
    await new Promise((r) => this.server?.close(r));
  }

  get(id: string): Obj | undefined {
    return this.resources.get(id.toLowerCase())?.body;
  }

  secretOf(id: string): Obj | undefined {
    return this.resources.get(id.toLowerCase())?.secret;
  }

  /** Test control: what the gateway reports for a connection (status, bytes, tunnels). */
  setConnectionStatus(id: string, runtime: ConnectionRuntime): void {
    const s = this.resources.get(id.toLowerCase());
    if (!s || !String(s.body['type']).endsWith('/connections')) throw new Error(`no connection ${id} in the emulator`);
    Object.assign(s.body['properties'] as Obj, runtime);
  }

  /** Test control: the BGP peers of a gateway (the gateway resource itself need not exist, as with create: false). */
  setBgpPeers(gatewayId: string, peers: BgpPeer[]): void {
    this.bgpPeers.set(gatewayId.toLowerCase(), peers.map((p) => ({ ...p })));
  }

  private send(res: ServerResponse, req: IncomingMessage, status: number, body?: unknown, headers: Record<string, string> = {}) {
    const path = (req.url ?? '').split('?')[0]!;
    this.requests.push({ method: req.method ?? '', path, status, at: this.arrivedAt.get(req) ?? Date.now(), remotePort: req.socket.remotePort ?? -1, ...(req.headers['if-match'] ? { ifMatch: String(req.headers['if-match']) } : {}), headers: { ...headers } });
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-ms-request-id': randomUUID(), ...headers });
    res.end(body === undefined ? '' : JSON.stringify(body));
  }

  private fault(method: string, path: string): Fault | undefined {
    const f = this.faults.find((x) => x.kind !== 'lro-failed' && x.times > 0 && (!x.method || x.method === method) && (!x.match || x.match.test(path)));
    if (f) f.times--;
    return f;
  }

  private handle(req: IncomingMessage, res: ServerResponse, text: string) {
    const url = new URL(req.url ?? '/', this.base);
    const path = url.pathname;
    const method = req.method ?? 'GET';
    if (this.identity(req, res, url, text)) return;
    if (path === '/metadata/endpoints') return this.send(res, req, 200, { authentication: { loginEndpoint: `${this.base}/`, audiences: [`${this.base}/`] } });
    if (req.headers.authorization !== `Bearer ${this.token}`) return this.send(res, req, 401, { error: { code: 'AuthenticationFailed', message: 'missing or wrong bearer token' } });
    if (url.searchParams.get('api-version') !== API) return this.send(res, req, 400, { error: { code: 'InvalidApiVersionParameter', message: `api-version must be ${API}` } });
    const f = this.fault(method, path);
    if (f?.kind === 'reset') return void req.socket.destroy();
    if (f?.kind === '429') return this.send(res, req, 429, { error: { code: 'TooManyRequests', message: 'throttled' } }, { 'retry-after': '2' });
    if (f?.kind === '500') return this.send(res, req, 500, { error: { code: 'InternalServerError', message: 'transient' } });

    const op = /\/providers\/Microsoft\.Network\/locations\/[^/]+\/(operations|operationResults)\/([^/]+)$/i.exec(path);
    if (op && method === 'GET') return this.poll(req, res, op[1]!, op[2]!);
    const m = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Network\/([^/]+)(?:\/([^/]+)(?:\/([^/]+)(?:\/([^/]+))?)?)?$/i.exec(path);
    if (!m) return this.send(res, req, 404, { error: { code: 'InvalidResourceType', message: path } });
    const [, type, name, childType, childName] = m;
    const prefix = path.slice(0, path.indexOf(`/${type}`) + type!.length + 1);
    if (!name) {
      if (method !== 'GET') return this.send(res, req, 405);
      const value = [...this.resources.entries()].filter(([id]) => id.startsWith(`${prefix.toLowerCase()}/`) && id.split('/').length === prefix.split('/').length + 1).map(([, s]) => s.body);
      return this.send(res, req, 200, listPage(value, url, this.pageSize));
    }
    const id = `${prefix}/${name}`;
    if (childType?.toLowerCase() === 'getbgppeerstatus' && type!.toLowerCase() === 'virtualnetworkgateways' && !childName) return this.bgpStatus(req, res, method, id, url);
    if (childType) return this.child(req, res, method, id, type!, childType, childName, text);
    if (method === 'GET') {
      this.settle(id.toLowerCase());
      const s = this.resources.get(id.toLowerCase());
      return s ? this.send(res, req, 200, s.body) : this.send(res, req, 404, { error: { code: 'ResourceNotFound', message: `The Resource '${type}/${name}' was not found.` } });
    }
    if (method === 'PUT') return this.put(req, res, id, type!, name, JSON.parse(text || '{}') as Obj);
    if (method === 'DELETE') return this.del(req, res, id);
    return this.send(res, req, 405);
  }

  private identity(req: IncomingMessage, res: ServerResponse, url: URL, text: string): boolean {
    const m = /^\/([^/]+)\/(v2\.0\/\.well-known\/openid-configuration|oauth2\/v2\.0\/token|oauth2\/v2\.0\/devicecode)$/.exec(url.pathname);
    if (!m) return false;
    const [, tenant, what] = m;
    const t = `${this.base}/${tenant}`;
    if (what!.startsWith('v2.0')) {
      this.send(res, req, 200, {
        issuer: `${t}/v2.0`,
        authorization_endpoint: `${t}/oauth2/v2.0/authorize`,
        token_endpoint: `${t}/oauth2/v2.0/token`,
        device_authorization_endpoint: `${t}/oauth2/v2.0/devicecode`,
        end_session_endpoint: `${t}/oauth2/v2.0/logout`,
        jwks_uri: `${t}/discovery/v2.0/keys`,
        response_types_supported: ['code', 'id_token', 'token'],
        subject_types_supported: ['pairwise'],
        id_token_signing_alg_values_supported: ['RS256'],
        scopes_supported: ['openid', 'profile', 'offline_access'],
      });
      return true;
    }
    const form = new URLSearchParams(text);
    if (what === 'oauth2/v2.0/devicecode') {
      this.send(res, req, 200, { device_code: 'dev-code-1', user_code: 'JUNC-TION', verification_uri: `${this.base}/devicelogin`, expires_in: 900, interval: 1, message: `To sign in, open ${this.base}/devicelogin and enter JUNC-TION.` });
      return true;
    }
    const grant = form.get('grant_type') ?? '';
    this.tokenGrants.push(grant);
    if (grant === 'client_credentials' && !form.get('client_assertion')) {
      this.send(res, req, 401, { error: 'invalid_client', error_description: 'client_assertion required' });
      return true;
    }
    if (grant !== 'client_credentials' && form.get('device_code') !== 'dev-code-1') {
      this.send(res, req, 400, { error: 'invalid_grant', error_description: `unexpected grant ${grant}` });
      return true;
    }
    const now = Math.floor(Date.now() / 1000);
    const claims = { aud: form.get('client_id'), iss: `${t}/v2.0`, iat: now, nbf: now, exp: now + 3600, oid: 'user-oid', tid: tenant, sub: 'sub', preferred_username: 'admin@contoso.test', name: 'Admin' };
    this.send(res, req, 200, {
      token_type: 'Bearer',
      scope: form.get('scope') ?? '',
      expires_in: 3600,
      ext_expires_in: 3600,
      access_token: this.token,
      ...(grant === 'client_credentials' ? {} : { id_token: `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claims)}.`, client_info: b64url({ uid: 'user-oid', utid: tenant }), refresh_token: 'rt' }),
    });
    return true;
  }

  private opUrl(kind: 'operations' | 'operationResults', location: string, id: string, owner: string): string {
    const sub = owner.split('/')[2];
    return `${this.base}/subscriptions/${sub}/providers/Microsoft.Network/locations/${location}/${kind}/${id}?api-version=${API}`;
  }

  private decorate(id: string, type: string, name: string, input: Obj, location: string): Obj {
    const props = { ...((input['properties'] as Obj) ?? {}) };
    for (const key of Object.keys(SUB_LISTS)) {
      if (!Array.isArray(props[key])) continue;
      props[key] = (props[key] as Obj[]).map((c) => this.decorateChild(`${id}/${key}/${c['name']}`, `Microsoft.Network/${type}/${key}`, c));
    }
    if (type === 'networkSecurityGroups') {
      props['securityRules'] ??= [];
      props['defaultSecurityRules'] = DEFAULT_RULES.map(([n, description, src, dst, access, priority, direction]) => ({
        name: n,
        id: `${id}/defaultSecurityRules/${n}`,
        type: 'Microsoft.Network/networkSecurityGroups/defaultSecurityRules',
        etag: etag(),
        properties: { provisioningState: 'Succeeded', description, protocol: '*', sourcePortRange: '*', destinationPortRange: '*', sourceAddressPrefix: src, destinationAddressPrefix: dst, access, priority, direction },
      }));
      props['flushConnection'] = false;
    }
    if (type === 'routeTables') props['disableBgpRoutePropagation'] ??= false;
    if (type === 'virtualNetworks') {
      props['subnets'] ??= [];
      props['enableDdosProtection'] = false;
      props['virtualNetworkPeerings'] = [];
    }
    if (type === 'connections') Object.assign(props, { connectionStatus: 'Unknown', ingressBytesTransferred: 0, egressBytesTransferred: 0 });
    props['provisioningState'] = 'Updating';
    props['resourceGuid'] = randomUUID();
    const { properties: _p, ...top } = input;
    return { ...top, name, id, etag: etag(), type: `Microsoft.Network/${type}`, location, properties: props };
  }

  private decorateChild(id: string, type: string, c: Obj): Obj {
    const p = { ...((c['properties'] as Obj) ?? {}) };
    if (type.endsWith('/subnets')) {
      p['privateEndpointNetworkPolicies'] ??= 'Disabled';
      p['privateLinkServiceNetworkPolicies'] ??= 'Enabled';
      if (Array.isArray(p['serviceEndpoints'])) p['serviceEndpoints'] = (p['serviceEndpoints'] as Obj[]).map((e) => ({ ...e, locations: ['westeurope', 'northeurope'], provisioningState: 'Succeeded' }));
      p['delegations'] ??= [];
    }
    if (type.endsWith('/securityRules')) {
      // Azure echoes both forms: the unused one comes back as an empty list.
      for (const [, many] of [['sourceAddressPrefix', 'sourceAddressPrefixes'], ['destinationAddressPrefix', 'destinationAddressPrefixes'], ['sourcePortRange', 'sourcePortRanges'], ['destinationPortRange', 'destinationPortRanges']] as const) p[many] ??= [];
    }
    p['provisioningState'] = 'Succeeded';
    return { name: c['name'], id, etag: etag(), type, properties: p };
  }

  private precondition(req: IncomingMessage, res: ServerResponse, current: Stored | undefined): boolean {
    const want = req.headers['if-match'];
    if (want === undefined || want === '*' ? want === '*' && !current : current?.body['etag'] !== want) {
      this.send(res, req, 412, { error: { code: 'PreconditionFailed', message: `The etag ${String(want)} does not match ${String(current?.body['etag'] ?? '(absent)')}.` } });
      return false;
    }
    return true;
  }

  private put(req: IncomingMessage, res: ServerResponse, id: string, type: string, name: string, input: Obj) {
    const key = id.toLowerCase();
    const current = this.resources.get(key);
    if (!this.precondition(req, res, current)) return;
    // What ARM refuses on write (./validate): 400 with ARM's error body, nothing stored.
    const refusal = refuseWrite(type, id, name, input, (rid) => this.get(rid));
    if (refusal) return this.send(res, req, 400, refusal);
    const location = String(input['location'] ?? current?.body['location'] ?? 'westeurope');
    const inputProps = { ...((input['properties'] as Obj) ?? {}) };
    let secret: Obj | undefined;
    if ('sharedKey' in inputProps) {
      secret = { sharedKey: inputProps['sharedKey'] };
      delete inputProps['sharedKey'];
    }
    const body = this.decorate(id, type, name, { ...input, properties: inputProps }, location);
    // A PUT reconfigures a connection; the gateway's view of the tunnel carries on until it renegotiates.
    if (type === 'connections' && current) for (const f of RUNTIME_FIELDS) if (f in (current.body['properties'] as Obj)) (body['properties'] as Obj)[f] = (current.body['properties'] as Obj)[f];
    const lroFail = this.faults.find((f) => f.kind === 'lro-failed' && f.times > 0 && (!f.match || f.match.test(id)));
    if (lroFail) lroFail.times--;
    this.resources.set(key, { body, ...(secret ?? current?.secret ? { secret: secret ?? current?.secret } : {}) });
    this.appliedPuts.push(key);
    const opId = randomUUID();
    this.ops.set(opId, { kind: 'put', id: key, polls: 0, ...(lroFail ? { fail: true } : {}) });
    this.onPutApplied?.(this.appliedPuts.length);
    if (this.hangOnPut !== undefined && this.appliedPuts.length === this.hangOnPut) {
      this.hung.push(res);
      return;
    }
    this.send(res, req, current ? 200 : 201, body, { 'azure-asyncoperation': this.opUrl('operations', location, opId, id) });
  }

  private del(req: IncomingMessage, res: ServerResponse, id: string) {
    const current = this.resources.get(id.toLowerCase());
    if (!current) return this.send(res, req, 204);
    if (!this.precondition(req, res, current)) return;
    // As ARM: a resource another one refers to (a subnet's route table, a connection's local gateway) is not deleted.
    const user = this.referrerOf(id);
    if (user) {
      const type = String(current.body['type']).replace(/^Microsoft\.Network\//, '');
      const code = `InUse${type[0]!.toUpperCase()}${type.slice(1).replace(/s$/, '')}CannotBeDeleted`;
      return this.send(res, req, 400, { error: { code, message: `${id} is in use by ${user} and cannot be deleted.` } });
    }
    (current.body['properties'] as Obj)['provisioningState'] = 'Deleting';
    const opId = randomUUID();
    this.ops.set(opId, { kind: 'delete', id: id.toLowerCase(), polls: 0 });
    this.send(res, req, 202, undefined, { location: this.opUrl('operationResults', String(current.body['location']), opId, id), 'retry-after': '0' });
  }

  /** The id of another resource whose body refers to `id` (or to one of its children), if any. */
  private referrerOf(id: string): string | undefined {
    const target = id.toLowerCase();
    const refers = (v: unknown): boolean => {
      if (Array.isArray(v)) return v.some(refers);
      if (!v || typeof v !== 'object') return false;
      return Object.entries(v as Obj).some(([k, x]) => (k === 'id' && typeof x === 'string' ? x.toLowerCase() === target || x.toLowerCase().startsWith(`${target}/`) : refers(x)));
    };
    for (const [key, s] of this.resources) if (key !== target && refers(s.body['properties'])) return String(s.body['id']);
    return undefined;
  }

  /** Server-side work finishes whether or not the client polls (it may have died): a later GET sees the result. */
  private settle(key: string) {
    for (const op of this.ops.values()) {
      if (op.id !== key || op.kind !== 'put' || op.polls > this.pollsToFinish) continue;
      op.polls = this.pollsToFinish + 1;
      const s = this.resources.get(key);
      if (s) (s.body['properties'] as Obj)['provisioningState'] = op.fail ? 'Failed' : 'Succeeded';
    }
  }

  /** POST getBgpPeerStatus: a long-running action answered with 202 + Location; the result comes from polling. */
  private bgpStatus(req: IncomingMessage, res: ServerResponse, method: string, id: string, url: URL) {
    if (method !== 'POST') return this.send(res, req, 405);
    const key = id.toLowerCase();
    const gw = this.resources.get(key);
    if (!gw && !this.bgpPeers.has(key)) return this.send(res, req, 404, { error: { code: 'ResourceNotFound', message: `The Resource 'Microsoft.Network/virtualNetworkGateways/${id.split('/').pop()}' was not found.` } });
    const opId = randomUUID();
    const peer = url.searchParams.get('peer');
    this.ops.set(opId, { kind: 'bgp', id: key, polls: 0, ...(peer ? { peer } : {}) });
    this.send(res, req, 202, undefined, { location: this.opUrl('operationResults', String(gw?.body['location'] ?? 'westeurope'), opId, id), 'retry-after': '0' });
  }

  private poll(req: IncomingMessage, res: ServerResponse, kind: string, opId: string) {
    const op = this.ops.get(opId);
    if (!op) return this.send(res, req, 404, { error: { code: 'NotFound', message: opId } });
    op.polls++;
    const done = op.polls > this.pollsToFinish;
    if (op.kind === 'bgp') {
      if (!done) return this.send(res, req, 202, undefined, { location: `${this.base}${req.url}`, 'retry-after': '0' });
      const peers = (this.bgpPeers.get(op.id) ?? []).filter((p) => !op.peer || p.neighbor === op.peer);
      return this.send(res, req, 200, { value: peers });
    }
    if (op.kind === 'delete') {
      if (!done) return this.send(res, req, 202, undefined, { location: `${this.base}${req.url}` });
      this.resources.delete(op.id);
      return this.send(res, req, kind === 'operationResults' ? 204 : 200, kind === 'operationResults' ? undefined : { status: 'Succeeded' });
    }
    if (!done) return this.send(res, req, 200, { status: 'InProgress' });
    const s = this.resources.get(op.id);
    if (s) (s.body['properties'] as Obj)['provisioningState'] = op.fail ? 'Failed' : 'Succeeded';
    if (op.fail) return this.send(res, req, 200, { status: 'Failed', error: { code: 'InternalServerError', message: 'Provisioning failed (injected).' } });
    return this.send(res, req, 200, { status: 'Succeeded' });
  }

  /** Child resources (securityRules, routes, subnets): GET/LIST, and PUT as the portal does for one rule. */
  private child(req: IncomingMessage, res: ServerResponse, method: string, parentId: string, type: string, childType: string, childName: string | undefined, text: string) {
    const parent = this.resources.get(parentId.toLowerCase());
    if (!parent || CHILD_TYPES[type] !== childType) return this.send(res, req, 404, { error: { code: 'NotFound', message: parentId } });
    const props = parent.body['properties'] as Obj;
    const list = (props[childType] as Obj[]) ?? [];
    if (!childName) return method === 'GET' ? this.send(res, req, 200, { value: list }) : this.send(res, req, 405);
    const existing = list.find((c) => String(c['name']).toLowerCase() === childName.toLowerCase());
    if (method === 'GET') return existing ? this.send(res, req, 200, existing) : this.send(res, req, 404, { error: { code: 'NotFound', message: childName } });
    if (method !== 'PUT') return this.send(res, req, 405);
    const input = JSON.parse(text || '{}') as Obj;
    const c = this.decorateChild(`${parentId}/${childType}/${childName}`, `Microsoft.Network/${type}/${childType}`, { ...input, name: childName });
    props[childType] = existing ? list.map((x) => (x === existing ? c : x)) : [...list, c];
    parent.body['etag'] = etag(); // a child change is a change of the parent
    const opId = randomUUID();
    this.ops.set(opId, { kind: 'put', id: parentId.toLowerCase(), polls: this.pollsToFinish });
    this.send(res, req, existing ? 200 : 201, c, { 'azure-asyncoperation': this.opUrl('operations', String(parent.body['location']), opId, parentId) });
  }
}
