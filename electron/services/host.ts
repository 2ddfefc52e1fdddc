// The one object implementing JunctionApi. The Electron main process (IPC), the loopback web host (HTTP) and the
// tests all call `dispatch`, so every request is validated by the contract's schema at the same place, whichever
// front door it came through; what differs per front door (dialogs, the key store, the settings file) comes in
// as capabilities.
import { basename, resolve } from 'node:path';
import {
  API_CHANNELS,
  ApiError,
  parseRequest,
  type ApiChannel,
  type AppInfo,
  type DialogResult,
  type JunctionApi,
  type SecretStoreStatus,
} from '../../shared/api/contract';
import { SETTINGS_DEFAULTS, withRecent, withUi, type SettingsData } from '../../shared/settings/schema';
import type { PathPurposeId } from '../../shared/api/dialogs';
import * as workspace from './workspace-service';
import * as generate from './generate-service';
import * as bundle from './bundle-service';
import * as certs from './cert-service';
import { azureHandlers } from './azure-service';
import { healthHandlers } from './health-service';
import { reachHandlers } from './reach-service';
import { driftHandlers } from './drift-service';
import { filesHandlers } from './files-service';
import { keyStore } from './keystore-service';
import { JUNCTION_VERSION } from './version';
import { noKeyStoreStatus, type SecretVault } from '../main/secrets';

/** What a capability's handlers get from the host: the front door's capabilities, settings and the job runner. */
export interface HostContext {
  caps: HostCapabilities;
  settings: SettingsBackend;
  jobs: bundle.Jobs;
}

/** The handlers of a subset of the channels; each capability's service module returns its own. */
export type ChannelHandlers<C extends ApiChannel> = Pick<JunctionApi, C>;

/** The subset of conf / electron-store the host needs (both satisfy it). */
export interface SettingsBackend {
  get<K extends keyof SettingsData>(key: K): SettingsData[K];
  set<K extends keyof SettingsData>(key: K, value: SettingsData[K]): void;
}

export interface HostCapabilities {
  frontDoor: AppInfo['frontDoor'];
  settings?: SettingsBackend;
  startupPath?: string;
  dialogs?: {
    openWorkspace(): Promise<DialogResult>;
    /** An existing file or folder, as PATH_PURPOSES describes the purpose. */
    openPath(purpose: PathPurposeId): Promise<DialogResult>;
    saveWorkspace(suggestedName?: string): Promise<DialogResult>;
    /** Where to build a bundle: a folder name for `dir`, a file for `tar`/`zip`. */
    saveBundle(suggestedName: string, format: 'dir' | 'tar' | 'zip'): Promise<DialogResult>;
  };
  secrets?: () => SecretStoreStatus;
  /**
   * The OS key store (Electron safeStorage): VPN shared keys and signing/certificate keys are kept sealed;
   * absent, they are never stored.
   */
  vault?: SecretVault;
}

/** Settings kept in memory: for tests, and when the settings file cannot be opened. */
export function memorySettings(initial: Partial<SettingsData> = {}): SettingsBackend {
  const data: SettingsData = structuredClone({ ...SETTINGS_DEFAULTS, ...initial });
  return {
    get: (key) => structuredClone(data[key]),
    set: (key, value) => {
      data[key] = structuredClone(value);
    },
  };
}

const noDialogs = (frontDoor: string): DialogResult => ({
  status: 'unsupported',
  reason: `the ${frontDoor} front door has no native file dialog: type the path of the workspace file`,
});

export function createHost(caps: HostCapabilities): JunctionApi {
  const settings = caps.settings ?? memorySettings();
  const jobs = bundle.createJobs();
  const ctx: HostContext = { caps, settings, jobs };
  const keys = keyStore(ctx);
  const remember = (origin: string, name: string) => {
    if (origin === 'example' || origin === 'editor') return;
    settings.set(
      'recent',
      withRecent(settings.get('recent'), { path: origin, name, openedAt: new Date().toISOString() }),
    );
  };
  return {
    'app.info': async () => ({
      version: JUNCTION_VERSION,
      frontDoor: caps.frontDoor,
      platform: process.platform,
    }),
    'workspace.openExample': () => workspace.openExample(),
    'workspace.openFile': async (req) => {
      const r = await workspace.openFile(req);
      if (r.ok) remember(r.origin, r.workspace?.name ?? r.fileName);
      return r;
    },
    'workspace.parse': (req) => workspace.parse(req),
    'workspace.save': async (req) => {
      const r = await workspace.save(req);
      remember(r.path, basename(r.path));
      return r;
    },
    'workspace.lint': (req) => workspace.lint(req),
    'workspace.startup': async () => (caps.startupPath ? { path: resolve(caps.startupPath) } : {}),
    'workspace.recent': async () => settings.get('recent'),
    'dialog.openWorkspace': async () =>
      caps.dialogs ? caps.dialogs.openWorkspace() : noDialogs(caps.frontDoor),
    'dialog.openPath': async (req) =>
      caps.dialogs
        ? caps.dialogs.openPath(req.purpose)
        : {
            status: 'unsupported',
            reason: `the ${caps.frontDoor} front door has no native file dialog: type the path`,
          },
    'dialog.saveWorkspace': async (req) =>
      caps.dialogs ? caps.dialogs.saveWorkspace(req.suggestedName) : noDialogs(caps.frontDoor),
    'settings.get': async () => settings.get('ui'),
    'settings.update': async (req) => {
      const next = withUi(settings.get('ui'), req);
      settings.set('ui', next);
      return next;
    },
    'secrets.status': async () =>
      caps.secrets
        ? caps.secrets()
        : noKeyStoreStatus(caps.frontDoor, 'secrets are asked for when a script runs'),
    'generate.preview': async (req) => generate.preview(req),
    'bundle.build': (req) => bundle.build(jobs, req, (id) => keys.signer('bundle.build', id)),
    'bundle.verify': (req) => bundle.verify(jobs, req),
    'bundle.drives': () => bundle.drives(),
    'trust.list': () => bundle.trustList(),
    'trust.pin': (req) => bundle.trustPin(req),
    'trust.remove': (req) => bundle.trustRemove(req),
    'bundle.write': (req) => bundle.write(jobs, req),
    'jobs.progress': async (req) => jobs.status(req.jobId),
    'jobs.cancel': async (req) => ({ cancelled: jobs.cancel(req.jobId) }),
    'dialog.saveBundle': async (req) =>
      caps.dialogs
        ? caps.dialogs.saveBundle(req.suggestedName, req.format)
        : {
            status: 'unsupported',
            reason: `the ${caps.frontDoor} front door has no native save dialog: type the path of the bundle`,
          },
    'cert.options': async () => certs.CERT_OPTIONS,
    'cert.create': (req) => certs.create(req, keys),
    'cert.createFromWorkspace': (req) => certs.createFromWorkspace(req, keys),
    'cert.inspect': (req) => certs.inspect(req),
    ...azureHandlers(ctx),
    ...keys.handlers,
    ...healthHandlers(ctx),
    ...reachHandlers(),
    ...driftHandlers(ctx),
    ...filesHandlers(),
  };
}

export function isChannel(name: string): name is ApiChannel {
  return (API_CHANNELS as readonly string[]).includes(name);
}

/**
 * The single entry point of every front door: the channel must exist and the payload must satisfy its schema
 * before any service code runs. Errors come back as ApiError so front doors can map them to a status.
 */
export async function dispatch(api: JunctionApi, channelName: string, payload: unknown): Promise<unknown> {
  if (!isChannel(channelName)) throw new ApiError('unknown-channel', `no such channel "${channelName}"`);
  const req = parseRequest(channelName, payload);
  const fn = api[channelName] as (r: unknown) => Promise<unknown>;
  try {
    return await fn(req);
  } catch (e) {
    if (e instanceof ApiError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ApiError('not-found', `${channelName}: ${(e as Error).message}`);
    if (code === 'EACCES' || code === 'EPERM')
      throw new ApiError('forbidden', `${channelName}: permission denied`);
    // Domain errors (BuildError, SigningError, MediaError, PkiError) carry the fix; the admin needs both.
    const fix = (e as { fix?: unknown }).fix;
    const message = `${channelName}: ${(e as Error).message ?? String(e)}`;
    throw new ApiError('failed', typeof fix === 'string' && fix ? `${message} — ${fix}` : message);
  }
}
