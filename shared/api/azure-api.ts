// Channels of the Apply screen (issue 7): plan, apply, resume and the offline queue, over electron/azure — the same
// engine, journal, snapshots and queue as `junction azure`. Secrets (VPN shared keys, a service principal's .pfx
// password) travel only inside the one request that uses them, or are sealed by the desktop app's key store; they are
// never part of a settings object or a response.
import { z } from 'zod';
import type { ChangeType } from '../azure/plan';
import type { ResourceKind } from '../azure/desired';
import type { SecretStoreStatus } from './contract';
import type { ConnectionStatusReport, Verdict } from '../azure/status';
import { channel, docText, filePath, jobId, password } from './channel';

export const SIGN_IN_METHODS = ['device-code', 'certificate', 'cli', 'browser'] as const;
export type SignInMethodId = (typeof SIGN_IN_METHODS)[number];

/** `workspace`: the cloud (and ARM endpoint) of the workspace's Azure site; `custom`: an ARM endpoint (Azure Stack Hub). */
export const CLOUD_CHOICES = [
  'workspace',
  'AzurePublicCloud',
  'AzureUSGovernment',
  'AzureChinaCloud',
  'custom',
] as const;
export type CloudChoice = (typeof CLOUD_CHOICES)[number];

/** How to reach ARM, as the admin set it on the Apply screen. The CLI's connection options, minus anything secret. */
export interface AzurePrefs {
  cloud: CloudChoice;
  /** Only with cloud `custom`: read `<arm>/metadata/endpoints` for the login endpoint and token audience. */
  armEndpoint?: string;
  authorityHost?: string;
  method: SignInMethodId;
  tenantId?: string;
  clientId?: string;
  /** PEM (key + certificate) or .pfx of a service principal; a .pfx password is asked per request. */
  certificatePath?: string;
  /** PEM bundle trusted in addition to the system roots (a TLS-inspecting proxy). */
  caFile?: string;
  /** http(s)://host:port; a proxy password would be a secret, so the URL carries none. */
  proxy?: string;
  /** For sites without azure.subscriptionId. */
  subscriptionId?: string;
  /** Journals, snapshots and the queue; shared with the CLI (JUNCTION_STATE_DIR / --state-dir). */
  stateDir?: string;
}

export const AZURE_PREFS_DEFAULTS: AzurePrefs = { cloud: 'workspace', method: 'device-code' };

// shared/ has no URL type (no DOM or Node lib), so URLs are checked by shape here and parsed again on the host.
const HTTPS_URL = /^https:\/\/[^\s/?#@]+(\/[^\s?#]*)?$/i;
const PROXY_URL = /^https?:\/\/[^\s/?#:@]+(?::\d{1,5})?\/?$/i;
const PROXY_WITH_USER = /^https?:\/\/[^\s/?#@]*@/i;

/** An empty string clears the setting. */
const clearable = <T extends z.ZodType<string>>(s: T) => z.union([z.literal(''), s]).optional();
const httpsUrl = z
  .string()
  .max(2048)
  .regex(HTTPS_URL, 'an https:// URL, e.g. https://management.local.azurestack.external');
const guidOrName = z
  .string()
  .max(256)
  .regex(/^[A-Za-z0-9._-]+$/, 'a GUID or a domain name (letters, digits, ".", "-")');

export const azurePrefsPatch = z.strictObject({
  cloud: z.enum(CLOUD_CHOICES).optional(),
  armEndpoint: clearable(httpsUrl),
  authorityHost: clearable(httpsUrl),
  method: z.enum(SIGN_IN_METHODS).optional(),
  tenantId: clearable(guidOrName),
  clientId: clearable(guidOrName),
  certificatePath: clearable(filePath),
  caFile: clearable(filePath),
  proxy: clearable(
    z
      .string()
      .max(2048)
      .refine(
        (v) => !PROXY_WITH_USER.test(v),
        'a proxy password is a secret and is not stored: give http://host:port',
      )
      .refine((v) => PROXY_URL.test(v), 'http://host:port or https://host:port'),
  ),
  subscriptionId: clearable(guidOrName),
  stateDir: clearable(filePath),
});
export type AzurePrefsPatch = z.input<typeof azurePrefsPatch>;

export interface AzureSignInState {
  state: 'signed-out' | 'signing-in' | 'signed-in' | 'failed';
  method?: SignInMethodId;
  /** Device code: what to open and which code to enter. Shown while the sign-in waits. */
  prompt?: string;
  /** When the token held in memory expires. Tokens are never written anywhere. */
  until?: string;
  authority?: string;
  error?: string;
}

export interface AzureSettingsView {
  prefs: AzurePrefs;
  /** Where journals, snapshots and the queue live, as resolved. */
  stateDir: string;
  methods: { id: SignInMethodId; label: string; available: boolean; note: string }[];
  vault: SecretStoreStatus;
  signIn: AzureSignInState;
}

export interface AzurePropertyChange {
  /** e.g. properties.securityRules[AllowAzureStorage].destinationPortRanges */
  path: string;
  before?: unknown;
  after?: unknown;
}

export interface AzurePlanStep {
  action: ChangeType;
  kind: ResourceKind;
  name: string;
  armId: string;
  resourceGroup: string;
  changes: AzurePropertyChange[];
  reason?: string;
  /** Creating it takes tens of minutes (VPN gateways). */
  slow?: boolean;
  /** It exists without Junction's ownership tag: never rewritten or deleted unless allowed for this resource. */
  unowned: boolean;
  /** The admin allowed Junction to take it over (allowUnowned). */
  allowed: boolean;
}

export type AzurePlanSource =
  { kind: 'live'; armEndpoint: string } | { kind: 'snapshot'; reason: string; savedAt: string; age: string };

export interface AzureSecretNeed {
  name: string;
  /** `vault`: sealed by this machine's key store; `missing`: must be typed for the apply (or stored first). */
  available: 'vault' | 'missing';
  description?: string;
}

export interface AzurePlanView {
  workspace: string;
  /** SHA-256 over the steps apply would perform, with the etags read: apply refuses unless it is confirmed. */
  planHash: string;
  plannedAt: string;
  source: AzurePlanSource;
  scopes: string[];
  counts: Record<ChangeType, number>;
  warnings: string[];
  steps: AzurePlanStep[];
  allowUnowned: string[];
  secrets: AzureSecretNeed[];
  /** "Flows this change opens or closes" against the workspace the last completed apply put in place, as the CLI prints it. */
  reach?: { known: boolean; text: string };
}

export interface AzureFailure {
  action: string;
  kind: string;
  name: string;
  code: string;
  message: string;
  fix: string;
  /** 412: the resource changed in Azure since the plan, so plan again; otherwise fix the cause and resume. */
  remedy: 'replan' | 'resume';
}

export interface AzureApplyResult {
  outcome: 'completed' | 'stopped' | 'cancelled' | 'queued' | 'nothing' | 'plan-changed';
  workspace: string;
  applyId?: string;
  journal?: string;
  performed: number;
  skipped: number;
  total: number;
  failure?: AzureFailure;
  queued?: { reason: string; file: string };
  /** The current plan when it differs from the confirmed one (plan-changed) or has nothing to do. */
  plan?: AzurePlanView;
}

export interface AzureJournalStep {
  index: number;
  action: string;
  kind: string;
  name: string;
  /** `interrupted`: started, then the apply stopped before recording the outcome; resume checks it by GET. */
  state: 'pending' | 'running' | 'done' | 'verified' | 'failed' | 'interrupted';
  code?: string;
  message?: string;
  at?: string;
}

export interface AzureJournalView {
  applyId: string;
  workspace: string;
  file: string;
  startedAt: string;
  armEndpoint: string;
  /** `interrupted`: no end record and nothing running here (a crash, a kill, lost power). */
  status: 'running' | 'completed' | 'stopped' | 'interrupted';
  resumable: boolean;
  /** The workspace changed since this apply began: resume finishes the journaled plan, then plan again. */
  workspaceChanged: boolean;
  done: number;
  total: number;
  steps: AzureJournalStep[];
  /** Shared keys the steps still to run need (names only). */
  secretsNeeded: string[];
  log: { at: string; tone: 'info' | 'ok' | 'error' | 'skip'; text: string }[];
  failure?: AzureFailure;
}

export interface AzureQueueItem {
  workspace: string;
  workspaceFile: string;
  armEndpoint: string;
  requestedAt: string;
  age: string;
  reason: string;
  probe?: { online: boolean; detail: string };
}

export interface AzureExportFile {
  name: string;
  text: string;
  resourceGroup?: string;
  subscriptionId?: string;
  /** How someone on a connected machine runs it. */
  hint: string;
}

export interface AzureExportResult {
  format: 'arm' | 'cli';
  files: AzureExportFile[];
  written: string[];
}

export interface AzureSecretEntry {
  name: string;
  stored: boolean;
  storedAt?: string;
  backend?: string;
  /** The open workspace's apply uses it. */
  needed: boolean;
  description?: string;
}

export interface AzureSecretsView {
  vault: SecretStoreStatus;
  /** Whether this front door can keep a secret sealed at rest; when not, why and what to do instead. */
  canStore: boolean;
  why?: string;
  secrets: AzureSecretEntry[];
}

const secretName = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._/-]{0,127}$/,
    'a secret name as the workspace declares it, e.g. contoso-s2s-psk',
  );
const secretValue = z.string().min(1, 'the secret is empty').max(4096);
/** Shared keys for this one request (front doors without a key store); never stored, logged or echoed. */
const requestSecrets = z.record(secretName, secretValue).optional();
const allowUnowned = z.array(z.string().min(1).max(1024)).max(1000).default([]);
const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'the planHash of the plan you reviewed (64 hex digits)');

/** Live VPN status of the workspace's connections, compared with the model (what `junction azure status` prints). */
export interface AzureStatusView {
  at: string;
  online: boolean;
  /** Why ARM could not be reached, when offline. */
  detail?: string;
  counts: Record<Verdict, number>;
  connections: ConnectionStatusReport[];
  /** The health history the verdicts were appended to (the saved workspace's), so the topology and Health show them. */
  history?: string;
}

export interface AzureSnapshotResult {
  action: 'export' | 'import';
  workspace: string;
  /** When ARM was read for this snapshot. */
  savedAt: string;
  resources: number;
  file: string;
  /** Import: the savedAt of the snapshot it replaced. */
  replaced?: string;
}

export const AZURE_API = {
  'azure.settings': channel<AzureSettingsView>()(z.strictObject({})),
  'azure.settings.update': channel<AzureSettingsView>()(azurePrefsPatch),
  /** Sign in now (device code shows its prompt in the job's progress and in azure.settings), token kept in memory. */
  'azure.login': channel<AzureSignInState>()(
    docText.extend({ certificatePassword: password.optional(), jobId: jobId.optional() }),
  ),
  /** Live when ARM answers (and the snapshot is refreshed), else against the last snapshot with its age. */
  'azure.plan': channel<AzurePlanView>()(
    docText.extend({
      offline: z.boolean().optional(),
      allowUnowned,
      certificatePassword: password.optional(),
      jobId: jobId.optional(),
    }),
  ),
  /**
   * Applies the reviewed plan (`planHash`) or resumes the interrupted apply `resume` (its applyId). Offline, the
   * apply is queued and nothing changes.
   */
  'azure.apply': channel<AzureApplyResult>()(
    docText
      .extend({
        planHash: sha256Hex.optional(),
        resume: z
          .string()
          .regex(/^\d{8}T\d{6}Z-[0-9a-f]{6}$/, 'the applyId of the interrupted apply')
          .optional(),
        allowUnowned,
        secrets: requestSecrets,
        certificatePassword: password.optional(),
        jobId: jobId.optional(),
      })
      .refine((r) => (r.planHash === undefined) !== (r.resume === undefined), {
        message: 'confirm either the plan you reviewed (planHash) or the apply to resume (resume), not both',
        path: ['planHash'],
      }),
  ),
  /**
   * VPN connection status and BGP peers read live (same sign-in as plan and apply), each with a verdict against the
   * model; appended to the saved workspace's health history when `workspace` is given.
   */
  'azure.status': channel<AzureStatusView>()(
    docText.extend({ workspace: filePath.optional(), certificatePassword: password.optional(), jobId: jobId.optional() }),
  ),
  /** The newest apply of the workspace: per-step state, the log, and whether it can be resumed. */
  'azure.journal': channel<AzureJournalView | null>()(docText),
  'azure.queue': channel<{ items: AzureQueueItem[] }>()(
    z.strictObject({
      action: z.enum(['list', 'probe', 'dequeue']),
      /** dequeue: the workspace name of the entry to drop. */
      workspace: z.string().min(1).max(256).optional(),
    }),
  ),
  /**
   * The workspace's snapshot of live state to a file (export, on a connected machine after a live plan), or such a
   * file checked and made the snapshot an offline plan reads (import, on the machine where the change is reviewed).
   */
  'azure.snapshot': channel<AzureSnapshotResult>()(
    docText.extend({ action: z.enum(['export', 'import']), path: filePath }),
  ),
  'azure.export': channel<AzureExportResult>()(
    docText.extend({ format: z.enum(['arm', 'cli']), out: filePath.optional() }),
  ),
  'azure.secrets.list': channel<AzureSecretsView>()(
    z.strictObject({ fileName: docText.shape.fileName.optional(), text: docText.shape.text.optional() }),
  ),
  'azure.secrets.store': channel<AzureSecretsView>()(
    z.strictObject({
      name: secretName,
      value: secretValue,
      /** Linux basic_text: store anyway, knowing it is obfuscation only (recorded, as the Settings acceptance). */
      acceptWeakStorage: z.boolean().optional(),
    }),
  ),
  'azure.secrets.delete': channel<AzureSecretsView>()(z.strictObject({ name: secretName })),
} as const;
