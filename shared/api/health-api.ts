// Channels of the Health screen (issue 8): probes, health history, far-side reports and offline reachability.
// Probes only ever go to targets the workspace's probe sets derive (the request names sets or probe ids, never
// addresses), so the UI cannot be used to point the host at arbitrary machines.
import { z } from 'zod';
import { channel, docText, filePath, jobId } from './channel';

/** What a link or object looks like from the latest results: the topology's colours. */
export type HealthLevel = 'ok' | 'degraded' | 'down' | 'unknown';
/** Where a result came from: a probe from this machine, a far-side report on the media, or Azure's VPN status. */
export type HealthSource = 'local' | 'far-side' | 'azure';
export type ProbeKindName = 'dns' | 'tcp' | 'tls' | 'https' | 'amqp' | 'azure-vpn';
/** A result's status; `unknown` only for a probe of the set that has never been run. */
export type RowStatus = 'ok' | 'warning' | 'fail' | 'unknown';

export interface ProbeInfo {
  id: string;
  set: string;
  kind: Exclude<ProbeKindName, 'azure-vpn'>;
  target: string;
  /** Where the probe means something: a host id, or e.g. "a node of snet-cluster". */
  runFrom?: string;
  link?: string;
}

export interface ProbeSetInfo {
  name: string;
  description: string;
  probes: ProbeInfo[];
}

export interface CertSummary {
  subject: string;
  validTo: string;
  /** Whole days left as of the summary (not as of the probe), so old results still warn on time. */
  daysLeft: number;
  /** Warnings at 30 and 7 days. */
  expiry: 'ok' | 'within-30-days' | 'within-7-days' | 'expired';
  trusted: boolean;
  namesHost: boolean;
}

export interface SeriesPoint {
  at: string;
  status: Exclude<RowStatus, 'unknown'>;
  ms: number;
}

export interface TargetRow {
  /** `${id}|${source}`: the same probe seen locally and from the far side are two rows. */
  key: string;
  id: string;
  set?: string;
  kind: ProbeKindName;
  target: string;
  runFrom?: string;
  /** The workspace host the target belongs to, when one does. */
  targetHost?: string;
  link?: string;
  /** null: a probe of the set that has no result yet. */
  source: HealthSource | null;
  status: RowStatus;
  at?: string;
  ms?: number;
  message: string;
  errorCode?: string;
  cert?: CertSummary;
  /** Far side: the report's probe group and the computer it ran on. */
  reportedBy?: string;
  /** Where this result was taken, for people: "this machine", "cc01 (far-side report)", "Azure (ARM)". */
  takenFrom?: string;
  /**
   * Whether it counts towards its link's and objects' status: only results taken where the probe is meant to run
   * (the far-side report of that host) do; a probe meant for cc01 run on this machine says nothing about cc01.
   */
  decides?: boolean;
  /** Oldest first, the most recent points only. */
  series: SeriesPoint[];
}

export interface LinkPoint {
  at: string;
  level: Exclude<HealthLevel, 'unknown'>;
  ms: number;
  source: HealthSource;
}

export interface HealthLink {
  /** `${set}:${owner}` (license-link:ll-flexlm) or `azure-vpn:${connection}`. */
  id: string;
  kind: 'license-link' | 'cyclecloud-cluster' | 'cyclecloud-outbound' | 'azure-vpn';
  label: string;
  from: string;
  to: string;
  /** Workspace object ids whose topology nodes this link colours. */
  nodes: string[];
  /** Pairs of workspace object ids whose topology edges it colours. */
  edges: [string, string][];
  level: HealthLevel;
  at?: string;
  source?: HealthSource;
  /** One line: what decided the level. */
  summary: string;
  /** Where the results that decide the level come from ("far-side report from azure-nodes"). */
  decidedBy?: string;
  /** Results of this link's probes taken on this machine: shown, but they never set the level. */
  local?: { at: string; summary: string; level: Exclude<HealthLevel, 'unknown'> };
  probes: string[];
  series: LinkPoint[];
}

export interface HealthSummary {
  /** The history file beside the workspace; absent for a document without a file. */
  historyFile?: string;
  /** false: results live only in this session (the document has no file to keep a history beside). */
  persisted: boolean;
  records: number;
  /** Unreadable lines of the history (a torn last write), skipped. */
  skipped: number;
  rows: TargetRow[];
  links: HealthLink[];
  /** Workspace object id → level, for the topology's nodes. */
  objects: Record<string, HealthLevel>;
  /** Pairs of workspace object ids (either direction) → level, for the topology's edges. */
  edges: { a: string; b: string; level: HealthLevel }[];
  /** The newest result per source. */
  latest: Partial<Record<HealthSource, string>>;
  certWarnings: { key: string; target: string; cert: CertSummary }[];
  generatedAt: string;
}

export interface HealthRunResult {
  ran: number;
  counts: { ok: number; warning: number; fail: number; cancelled: number };
  summary: HealthSummary;
}

export interface HealthImportResult {
  kind: 'bundle' | 'report';
  bundleId?: string;
  reports: number;
  added: number;
  warnings: string[];
  summary: HealthSummary;
}

export interface ReachEndpoints {
  hosts: { id: string; name: string; roles: string[]; address?: string; site: string }[];
  subnets: { id: string; prefix: string; kind: 'on-premises' | 'azure'; site: string }[];
  tags: string[];
}

export interface ReachHopView {
  at: string;
  kind: string;
  text: string;
  outcome: 'pass' | 'blocked' | 'no-route';
  decidedBy?: {
    kind: string;
    name: string;
    /** `$.azure.nsgs[0].rules[4]`, absent for Azure defaults and system routes. */
    where?: string;
    line?: number;
    column?: number;
  };
  assumptions: string[];
}

export interface ReachEndpointView {
  label: string;
  host?: string;
  address?: string;
  tag?: string;
  subnet?: string;
  zone: string;
}

export type ReachAnswer =
  | {
      ok: true;
      verdict: 'reachable' | 'blocked' | 'no-route';
      query: { from: string; to: string; port: number; protocol: 'Tcp' | 'Udp' };
      source: ReachEndpointView;
      destination: ReachEndpointView;
      hops: ReachHopView[];
      /** Index of the hop that decided a negative verdict. */
      decisive?: number;
      /** The same explanation as `junction reach` prints. */
      text: string;
    }
  | { ok: false; error: string; fix?: string; suggestions: string[] };

const port = z.number().int().min(1, 'a port from 1 to 65535').max(65535, 'a port from 1 to 65535');
const endpoint = z.string().trim().min(1, 'name a host id, a subnet id or an address').max(256);
const probeIdList = z.array(z.string().min(1).max(512)).max(10_000);
/** The saved workspace file (its history is kept beside it); absent for an unsaved document. */
const workspaceFile = filePath.optional();

export const HEALTH_API = {
  /** "Can A reach B on port P?", answered offline from the document by shared/reach. */
  'reach.query': channel<ReachAnswer>()(
    docText.extend({ from: endpoint, to: endpoint, port, proto: z.enum(['tcp', 'udp']).default('tcp') }),
  ),
  /** What the reach panel offers to pick from. */
  'reach.endpoints': channel<ReachEndpoints>()(docText),
  /** The probes derived from the document (electron/health/sets.ts), grouped by set. */
  'health.probeSet': channel<{ sets: ProbeSetInfo[] }>()(docText),
  /** Runs the set (or the named sets / probe ids of it) from this machine and appends to the history. */
  'health.run': channel<HealthRunResult>()(
    docText.extend({
      workspace: workspaceFile,
      sets: z.array(z.string().min(1).max(128)).max(64).optional(),
      ids: probeIdList.optional(),
      /** Extra trust anchors for TLS and HTTPS (a PEM file), e.g. a TLS-inspecting proxy's CA. */
      caFile: filePath.optional(),
      timeoutMs: z.number().int().min(100).max(120_000).optional(),
      concurrency: z.number().int().min(1).max(256).optional(),
      jobId: jobId.optional(),
    }),
  ),
  /** Latest per target, per-link series and the topology's colours, from the history beside the workspace. */
  'health.history': channel<HealthSummary>()(docText.extend({ workspace: workspaceFile })),
  /** A far-side report: a bundle folder on the media (its receipt/health/*.json) or one report file. */
  'health.importReport': channel<HealthImportResult>()(
    docText.extend({ workspace: filePath, path: filePath }),
  ),
} as const;
