// The SDK calls, one table per resource kind, plus the ARM client with Junction's pipeline settings.
import { NetworkManagementClient } from '@azure/arm-network';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import { ARM_TYPES, type ResourceKind } from '../../shared/azure/desired';
import { fromSdk, toSdk } from '../../shared/azure/sdk-shape';
import type { LiveResource } from '../../shared/azure/plan';
import { pipelineOptions, type ConnectionSettings, type TokenCredential } from './connection';

// The SDK's LRO pollers resend the operation's options on every poll GET, so an If-Match passed as a custom
// header would also go on the polls. A policy that adds it to PUT and DELETE only keeps polls unconditional.
export interface ArmClient {
  client: NetworkManagementClient;
  setIfMatch(etag: string | undefined): void;
}

export function createArmClient(
  credential: TokenCredential,
  subscriptionId: string,
  s: ConnectionSettings,
): ArmClient {
  let ifMatch: string | undefined;
  const client = new NetworkManagementClient(credential, subscriptionId, {
    ...pipelineOptions(s),
    endpoint: s.armEndpoint,
    credentialScopes: [s.scope],
  });
  const policy: PipelinePolicy = {
    name: 'junctionIfMatch',
    sendRequest(req, next) {
      if (ifMatch && (req.method === 'PUT' || req.method === 'DELETE')) req.headers.set('If-Match', ifMatch);
      return next(req);
    },
  };
  client.pipeline.addPolicy(policy);
  return { client, setIfMatch: (e) => (ifMatch = e) };
}

type Sdk = Record<string, unknown>;
interface KindOps {
  list(rg: string): AsyncIterable<unknown>;
  get(rg: string, name: string): Promise<unknown>;
  put(rg: string, name: string, body: Sdk, pollMs: number, abortSignal?: AbortSignal): Promise<unknown>;
  del(rg: string, name: string, pollMs: number, abortSignal?: AbortSignal): Promise<void>;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- one table over seven differently-typed operation groups */
export function opsFor(c: NetworkManagementClient, kind: ResourceKind): KindOps {
  const group: any = {
    nsg: c.networkSecurityGroups,
    routeTable: c.routeTables,
    publicIp: c.publicIPAddresses,
    localNetworkGateway: c.localNetworkGateways,
    vnet: c.virtualNetworks,
    vpnGateway: c.virtualNetworkGateways,
    connection: c.virtualNetworkGatewayConnections,
  }[kind];
  return {
    list: (rg) => group.list(rg),
    get: (rg, name) => group.get(rg, name),
    // The signal rides on every request of the operation (the SDK passes options to its polls too).
    put: (rg, name, body, pollMs, abortSignal) =>
      group.beginCreateOrUpdateAndWait(rg, name, body, {
        updateIntervalInMs: pollMs,
        ...(abortSignal ? { abortSignal } : {}),
      }),
    del: (rg, name, pollMs, abortSignal) =>
      group.beginDeleteAndWait(rg, name, {
        updateIntervalInMs: pollMs,
        ...(abortSignal ? { abortSignal } : {}),
      }),
  };
}
/* eslint-enable @typescript-eslint/no-explicit-any */

/** Strips what must never be stored or compared in the clear. */
export function scrub(body: Record<string, unknown>): Record<string, unknown> {
  const props = body['properties'];
  if (props && typeof props === 'object' && 'sharedKey' in props) {
    const { sharedKey: _drop, ...rest } = props as Record<string, unknown>;
    return { ...body, properties: rest };
  }
  return body;
}

export function liveFromSdk(kind: ResourceKind, model: unknown): LiveResource {
  const wire = scrub(fromSdk(ARM_TYPES[kind], model));
  return {
    kind,
    armId: String(wire['id']),
    body: wire,
    ...(typeof wire['etag'] === 'string' ? { etag: wire['etag'] } : {}),
  };
}

export async function listKind(
  c: NetworkManagementClient,
  kind: ResourceKind,
  rg: string,
): Promise<LiveResource[]> {
  const out: LiveResource[] = [];
  for await (const m of opsFor(c, kind).list(rg)) out.push(liveFromSdk(kind, m));
  return out;
}

export function isNotFound(e: unknown): boolean {
  return (e as { statusCode?: number }).statusCode === 404;
}

export { toSdk };
