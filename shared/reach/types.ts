// The vocabulary of a reachability answer: what was asked, where each end lives, and the hops that decided.
// A verdict is only as good as its explanation, so every hop names the route, rule or model object it used.
import type { DocPath } from '../model/path';
import type { Host, HostInterface } from '../model/schema';
import type { SubnetEntry } from '../model/lookup';

export type Verdict = 'reachable' | 'blocked' | 'no-route';
export type ReachProtocol = 'Tcp' | 'Udp';

export interface ReachQuery {
  /** A host id, name or FQDN, a subnet id ("a node of this subnet"), or an address. */
  from: string;
  /** A host id, name or FQDN, a subnet id, an address, or a service tag (Internet, Storage, ...). */
  to: string;
  port: number;
  protocol?: ReachProtocol;
}

export type Zone =
  | { kind: 'on-premises'; site: string }
  | { kind: 'azure'; site: string; vnet: string }
  | { kind: 'external' };

export interface Endpoint {
  /** How the endpoint is shown: "cc01 (10.50.2.4)". */
  label: string;
  host?: Host;
  hostPath?: DocPath;
  nic?: HostInterface;
  /** Undefined only for a service-tag destination. */
  address?: string;
  tag?: string;
  subnet?: SubnetEntry;
  zone: Zone;
}

export type HopKind =
  | 'host-route'
  | 'site-routing'
  | 'azure-route'
  | 'nsg'
  | 'vpn'
  | 'license-link'
  | 'appliance'
  | 'deliver';

export interface Decider {
  kind: 'host-route' | 'azure-route' | 'nsg-rule' | 'license-link' | 'vpn-connection' | 'model';
  /** Route or rule name as the admin knows it, e.g. "BlockOutbound" or "0.0.0.0/0 via 77.233.248.1". */
  name: string;
  /** Where in the workspace it is declared (absent for Azure defaults and system routes). */
  path?: DocPath;
}

export interface Hop {
  /** The object the packet is at or passing: a host, NSG, route table, junction box, site. */
  at: string;
  kind: HopKind;
  text: string;
  outcome: 'pass' | 'blocked' | 'no-route';
  decidedBy?: Decider;
  /** Things the model cannot know that this hop assumes (edge firewalls, Windows Firewall, automatic metrics). */
  assumptions?: string[];
}

export interface ReachResult {
  query: Required<ReachQuery>;
  verdict: Verdict;
  source: Endpoint;
  destination: Endpoint;
  hops: Hop[];
  /** The hop that decided a negative verdict (also the last hop). */
  decisive?: Hop;
}

export class ReachInputError extends Error {
  constructor(
    message: string,
    readonly suggestions: readonly string[] = [],
    readonly fix?: string,
  ) {
    super(message);
  }
}
