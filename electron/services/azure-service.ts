// The Apply screen's channels (issue 7), over electron/azure: the same session code, engine, journal, snapshots and
// queue as `junction azure`. What differs from the CLI: the connection comes from the saved preferences, shared keys
// from the request or this machine's key store, and sign-in is kept in memory for the life of the host.
import { resolve } from 'node:path';
import type { AccessToken, GetTokenOptions } from '@azure/identity';
import { ApiError, type SecretStoreStatus } from '../../shared/api/contract';
import type {
  AZURE_API,
  AzureApplyResult,
  AzurePrefs,
  AzureSecretsView,
  AzureSettingsView,
  AzureSignInState,
  AzureStatusView,
} from '../../shared/api/azure-api';
import { countVerdicts, expectedConnections } from '../../shared/azure/status';
import { appendStatusHistory, historyRecords, readStatus } from '../azure/status';
import { historyFileFor } from '../health/files';
import type { Workspace } from '../../shared/model/schema';
import type { DesiredResource } from '../../shared/azure/desired';
import { actionable } from '../../shared/azure/plan';
import { makeCredential, probeArm, type ConnectionSettings, type TokenCredential } from '../azure/connection';
import { ApplyCancelled, Clients } from '../azure/engine';
import { latestJournal } from '../azure/journal';
import { dequeue, stateDir } from '../azure/state';
import { exportSnapshot, importSnapshot, SnapshotTransferError } from '../azure/snapshot-transfer';
import {
  AzureError,
  applyWorkspace,
  desiredOf,
  exportFiles,
  planHash,
  planWorkspace,
  queueEntries,
  resolveConnection,
  resumeWorkspace,
  timingFromEnv,
  writeExports,
  type ConnectionInput,
  type KnownCloud,
  type PlanOutcome,
} from '../azure/session';
import {
  applyPatch,
  readPrefs,
  sealedSecrets,
  setSealedSecret,
  writePrefs,
  type SealedSecret,
} from '../azure/prefs';
import { applyResultView, journalView, planView, secretNeeds } from '../azure/views';
import { noKeyStoreStatus, openRecord, SecretRefused, sealRecord } from '../main/secrets';
import { workspaceOrThrow } from './generate-service';
import type { ChannelHandlers, HostContext } from './host';
import { formatReachSection, reachSinceApplied } from '../azure/applied';

type Channel = keyof typeof AZURE_API;
type Progress = Parameters<Parameters<HostContext['jobs']['run']>[1]>[1];

const KNOWN: readonly string[] = ['AzurePublicCloud', 'AzureUSGovernment', 'AzureChinaCloud'];

/** The CLI's ConnectionInput, from what the admin saved on the screen. */
function inputOf(prefs: AzurePrefs, certificatePassword?: string): ConnectionInput {
  if (prefs.cloud === 'custom' && !prefs.armEndpoint)
    throw new AzureError(
      'the cloud is "custom" but no ARM endpoint is set',
      'enter the ARM endpoint of the Azure Stack Hub (e.g. https://management.local.azurestack.external) in the connection settings',
    );
  return {
    ...timingFromEnv(process.env),
    method: prefs.method,
    ...(prefs.cloud === 'custom' ? { armEndpoint: prefs.armEndpoint! } : {}),
    ...(KNOWN.includes(prefs.cloud) ? { cloud: prefs.cloud as KnownCloud } : {}),
    ...(prefs.authorityHost ? { authorityHost: prefs.authorityHost } : {}),
    ...(prefs.tenantId ? { tenantId: prefs.tenantId } : {}),
    ...(prefs.clientId ? { clientId: prefs.clientId } : {}),
    ...(prefs.certificatePath ? { certificatePath: resolve(prefs.certificatePath) } : {}),
    ...(certificatePassword ? { certificatePassword } : {}),
    ...(prefs.caFile ? { caFile: resolve(prefs.caFile) } : {}),
    ...(prefs.proxy ? { proxy: prefs.proxy } : {}),
  };
}

/** Domain errors become the contract's, with the fix after the message (as dispatch does for other services). */
/** The desired resources the plan would PUT: only their shared keys are needed to apply it. */
function toApply(out: PlanOutcome, desired: readonly DesiredResource[]): DesiredResource[] {
  const ids = new Set(actionable(out.plan).map((s) => s.armId.toLowerCase()));
  return desired.filter((d) => ids.has(d.armId.toLowerCase()));
}

function apiError(channelName: Channel, e: unknown): never {
  if (e instanceof AzureError) throw new ApiError('failed', `${channelName}: ${e.message} — ${e.fix}`);
  throw e;
}

export function azureHandlers(ctx: HostContext): ChannelHandlers<Channel> {
  const { caps, settings, jobs } = ctx;
  const desktop = caps.frontDoor === 'electron';
  const prefs = () => readPrefs(settings);
  const dirOf = (p: AzurePrefs) => stateDir(p.stateDir ? resolve(p.stateDir) : undefined, process.env);
  /** Workspaces with an apply running in this host: a second one would race the first on the same journal. */
  const running = new Set<string>();

  // ---------------------------------------------------------------- sign-in, kept in memory only
  let signIn: AzureSignInState = { state: 'signed-out' };
  let promptSink: ((text: string) => void) | undefined;
  const credentials = new Map<string, TokenCredential>();

  /** A credential per connection, reused across plan and apply so a device-code sign-in is asked for once. */
  async function credentialFor(s: ConnectionSettings): Promise<TokenCredential> {
    const key = JSON.stringify([
      s.method,
      s.armEndpoint,
      s.authorityHost,
      s.scope,
      s.tenantId,
      s.clientId,
      s.certificatePath,
      s.proxy,
      s.caPem,
    ]);
    const cached = credentials.get(key);
    if (cached) return cached;
    let inner: TokenCredential;
    try {
      inner = await makeCredential(
        s,
        (info) => {
          signIn = { state: 'signing-in', method: s.method, prompt: info.message };
          promptSink?.(info.message);
        },
        desktop,
      );
    } catch (e) {
      throw new AzureError(
        `cannot set up sign-in: ${(e as Error).message}`,
        'check the sign-in method, tenant, client id and certificate in the connection settings',
      );
    }
    const tracked: TokenCredential = {
      async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
        if (signIn.state !== 'signed-in') signIn = { state: 'signing-in', method: s.method };
        try {
          const t = await inner.getToken(scopes, options);
          if (t)
            signIn = {
              state: 'signed-in',
              method: s.method,
              until: new Date(t.expiresOnTimestamp).toISOString(),
              authority: s.authorityHost,
            };
          return t;
        } catch (e) {
          signIn = { state: 'failed', method: s.method, error: (e as Error).message.split('\n')[0]! };
          credentials.delete(key);
          throw e;
        }
      },
    };
    credentials.set(key, tracked);
    return tracked;
  }
  const clientsFor = async (s: ConnectionSettings) => new Clients(await credentialFor(s), s);

  // ---------------------------------------------------------------- secrets
  const vaultStatus = (): SecretStoreStatus =>
    caps.vault?.status() ??
    noKeyStoreStatus(caps.frontDoor, 'shared keys are typed for each apply and sent with that request only');
  const fromVault = (name: string): string | undefined => {
    const sealed = sealedSecrets(settings)[name];
    // Sealed by another user or machine: undefined, so the key is asked for instead.
    return sealed && caps.vault ? openRecord(caps.vault, sealed) : undefined;
  };
  const inVault = (name: string) => !!caps.vault && !!sealedSecrets(settings)[name];
  const secretFix = (names: string[]) =>
    caps.vault
      ? `store ${names.length > 1 ? 'them' : 'it'} under Shared keys on the Apply screen, or type ${names.length > 1 ? 'them' : 'it'} in the apply confirmation`
      : `type ${names.length > 1 ? 'them' : 'it'} in the apply confirmation (sent with that request only)`;

  function secretsView(ws?: Workspace, desired?: readonly DesiredResource[]): AzureSecretsView {
    const vault = vaultStatus();
    const sealed = sealedSecrets(settings);
    const needed = new Set((desired ?? []).flatMap((d) => Object.values(d.secrets)));
    const names = [...new Set([...Object.keys(sealed), ...needed])].sort();
    const canStore = !!caps.vault && (vault.protection === 'encrypted' || vault.protection === 'weak');
    return {
      vault,
      canStore,
      ...(canStore ? {} : { why: vault.detail }),
      secrets: names.map((name) => {
        const s = sealed[name];
        const decl = ws?.secrets.find((x) => x.name === name);
        return {
          name,
          stored: !!s,
          ...(s ? { storedAt: s.storedAt, backend: s.backend } : {}),
          needed: needed.has(name),
          ...(decl?.description ? { description: decl.description } : {}),
        };
      }),
    };
  }

  // ---------------------------------------------------------------- helpers
  function load(channelName: Channel, req: { fileName: string; text: string }) {
    const ws = workspaceOrThrow(channelName, req.fileName, req.text);
    const p = prefs();
    let desired: DesiredResource[];
    try {
      desired = desiredOf(ws, req.fileName, p.subscriptionId);
    } catch (e) {
      apiError(channelName, e);
    }
    return { ws, p, desired, dir: dirOf(p) };
  }

  const stepProgress = (onProgress: Progress) => (p: { done: number; total: number; label: string }) =>
    onProgress({
      phase: p.label,
      bytesDone: p.done,
      bytesTotal: p.total,
      filesDone: p.done,
      filesTotal: p.total,
    });

  function settingsView(): AzureSettingsView {
    const p = prefs();
    return {
      prefs: p,
      stateDir: dirOf(p),
      methods: [
        {
          id: 'device-code',
          label: 'Device code',
          available: true,
          note: 'sign in on any other device with a browser; no local browser needed',
        },
        {
          id: 'certificate',
          label: 'Client certificate',
          available: true,
          note: 'a service principal with a PEM or .pfx certificate (Certificates screen can create one)',
        },
        {
          id: 'cli',
          label: 'Azure CLI',
          available: true,
          note: 'uses `az login` of the account running Junction',
        },
        {
          id: 'browser',
          label: 'Interactive browser',
          available: desktop,
          note: desktop
            ? 'opens the system browser on this machine'
            : 'desktop app only; use device code here',
        },
      ],
      vault: vaultStatus(),
      signIn,
    };
  }

  // ---------------------------------------------------------------- channels
  return {
    'azure.settings': async () => settingsView(),

    'azure.settings.update': async (req) => {
      const before = prefs();
      const next = applyPatch(before, req);
      if (next.method === 'browser' && !desktop)
        throw new ApiError(
          'bad-request',
          'azure.settings.update: method: interactive browser sign-in is only in the desktop app — use device-code, certificate or cli',
        );
      writePrefs(settings, next);
      // A different connection needs a different sign-in; the old token is dropped from memory.
      if (JSON.stringify(before) !== JSON.stringify(next)) {
        credentials.clear();
        signIn = { state: 'signed-out' };
      }
      return settingsView();
    },

    'azure.login': async (req) => {
      const { ws, p } = load('azure.login', req);
      return jobs.run(req.jobId, async (_signal, onProgress) => {
        onProgress({ phase: 'Signing in', bytesDone: 0, bytesTotal: 1, filesDone: 0, filesTotal: 1 });
        promptSink = (text) =>
          onProgress({ phase: text, bytesDone: 0, bytesTotal: 1, filesDone: 0, filesTotal: 1 });
        try {
          const s = await resolveConnection(inputOf(p, req.certificatePassword), ws);
          const cred = await credentialFor(s);
          // The ARM pipeline asks with CAE on, and identity caches CAE tokens apart: ask the same way so plan and
          // apply reuse this sign-in.
          const t = await cred.getToken(s.scope, { enableCae: true });
          if (!t) throw new Error('no token returned');
          return signIn;
        } catch (e) {
          if (e instanceof AzureError) apiError('azure.login', e);
          throw new ApiError(
            'failed',
            `azure.login: sign-in failed: ${(e as Error).message.split('\n')[0]} — check the method, tenant, client id and certificate, and the proxy/CA settings`,
          );
        } finally {
          promptSink = undefined;
        }
      });
    },

    'azure.plan': async (req) => {
      const { ws, p, desired, dir } = load('azure.plan', req);
      return jobs.run(req.jobId, async (_signal, onProgress) => {
        const phase = (text: string) =>
          onProgress({ phase: text, bytesDone: 0, bytesTotal: 0, filesDone: 0, filesTotal: 0 });
        promptSink = phase;
        try {
          phase(req.offline ? 'Reading the snapshot' : 'Checking ARM');
          const settingsNow = req.offline
            ? undefined
            : await resolveConnection(inputOf(p, req.certificatePassword), ws, { offlineOk: true });
          const out: PlanOutcome = await planWorkspace({
            ws,
            desired,
            dir,
            allowUnowned: req.allowUnowned ?? [],
            ...(req.offline ? { offline: 'ARM was not asked ("Plan offline")' } : {}),
            ...(settingsNow ? { settings: settingsNow } : {}),
            clients: async (s) => {
              phase('Reading live state');
              return clientsFor(s);
            },
          });
          const view = planView(ws, out, req.allowUnowned ?? [], secretNeeds(ws, toApply(out, desired), inVault));
          const flows = await reachSinceApplied(dir, ws);
          return { ...view, reach: { known: !('none' in flows), text: formatReachSection(flows) } };
        } catch (e) {
          apiError('azure.plan', e);
        } finally {
          promptSink = undefined;
        }
      });
    },

    'azure.status': async (req) => {
      const ws = workspaceOrThrow('azure.status', req.fileName, req.text);
      const p = prefs();
      const { expected, problems } = expectedConnections(ws, p.subscriptionId ? { subscriptionId: p.subscriptionId } : {});
      if (problems.length) {
        const first = problems[0]!;
        throw new ApiError('bad-request', `azure.status: ${first.source}: ${first.message} — ${first.fix}`);
      }
      if (!expected.length)
        throw new ApiError(
          'bad-request',
          'azure.status: $.azure.connections is empty — model the site-to-site connection under azure.connections',
        );
      return jobs.run(req.jobId, async (_signal, onProgress): Promise<AzureStatusView> => {
        const phase = (text: string) =>
          onProgress({ phase: text, bytesDone: 0, bytesTotal: 0, filesDone: 0, filesTotal: 0 });
        promptSink = phase;
        try {
          phase('Checking ARM');
          const s = await resolveConnection(inputOf(p, req.certificatePassword), ws, { offlineOk: true });
          const { online, detail, live } = await readStatus(s, expected, () => {
            phase('Reading VPN connections and BGP peers');
            return clientsFor(s);
          });
          // The same history the Health screen and the topology read, as `junction azure status` writes it.
          const history = req.workspace ? historyFileFor(resolve(req.workspace)) : undefined;
          if (history) await appendStatusHistory(history, historyRecords(live, expected));
          return {
            at: live.at,
            online,
            ...(online ? {} : { detail }),
            counts: countVerdicts(live.reports),
            connections: live.reports,
            ...(history ? { history } : {}),
          };
        } catch (e) {
          apiError('azure.status', e);
        } finally {
          promptSink = undefined;
        }
      });
    },

    'azure.apply': async (req) => {
      const { ws, p, desired, dir } = load('azure.apply', req);
      if (running.has(ws.name))
        throw new ApiError(
          'bad-request',
          `azure.apply: an apply of "${ws.name}" is already running — wait for it, or cancel it`,
        );
      running.add(ws.name);
      const given = req.secrets ?? {};
      const secret = (name: string) => given[name] ?? fromVault(name);
      try {
        return await jobs.run(req.jobId, async (signal, onProgress): Promise<AzureApplyResult> => {
          const phase = (text: string) =>
            onProgress({ phase: text, bytesDone: 0, bytesTotal: 0, filesDone: 0, filesTotal: 0 });
          promptSink = phase;
          phase('Checking ARM');
          const context = { secret, log: () => undefined, signal, progress: stepProgress(onProgress) };
          try {
            const s = await resolveConnection(inputOf(p, req.certificatePassword), ws, { offlineOk: true });
            if (req.resume) {
              const { st, result } = await resumeWorkspace({
                ws,
                desired,
                dir,
                settings: s,
                clients: clientsFor,
                applyId: req.resume,
                secretFix,
                context,
              });
              return applyResultView(ws.name, result, st.begin.steps.length);
            }
            const r = await applyWorkspace({
              ws,
              // The console knows the document by its file name (it may be unsaved); the queue shows what to open again.
              workspaceFile: req.fileName,
              desired,
              dir,
              allowUnowned: req.allowUnowned ?? [],
              settings: s,
              clients: async (cs) => {
                phase('Reading live state');
                return clientsFor(cs);
              },
              confirmed: (plan) => planHash(plan) === req.planHash,
              secretFix,
              context,
            });
            const base = { workspace: ws.name, performed: 0, skipped: 0 };
            if (r.kind === 'queued')
              return { ...base, outcome: 'queued', total: 0, queued: { reason: r.reason, file: r.file } };
            const view = () =>
              planView(
                ws,
                r.planned,
                req.allowUnowned ?? [],
                secretNeeds(ws, toApply(r.planned, desired), inVault),
              );
            if (r.kind === 'nothing') return { ...base, outcome: 'nothing', total: 0, plan: view() };
            if (r.kind === 'unconfirmed')
              return {
                ...base,
                outcome: 'plan-changed',
                total: actionable(r.planned.plan).length,
                plan: view(),
              };
            return applyResultView(ws.name, r.result, actionable(r.planned.plan).length);
          } catch (e) {
            if (e instanceof ApplyCancelled) throw e;
            apiError('azure.apply', e);
          } finally {
            promptSink = undefined;
          }
        });
      } finally {
        running.delete(ws.name);
      }
    },

    'azure.journal': async (req) => {
      const { ws, desired, dir } = load('azure.journal', req);
      const st = await latestJournal(dir, ws.name);
      return st ? journalView(st, running.has(ws.name), desired) : null;
    },

    'azure.queue': async (req) => {
      const p = prefs();
      const dir = dirOf(p);
      if (req.action === 'dequeue') {
        if (!req.workspace)
          throw new ApiError('bad-request', 'azure.queue: workspace: name the queued workspace to drop');
        await dequeue(dir, req.workspace);
      }
      const items = await queueEntries(
        dir,
        req.action === 'probe'
          ? async (q) => {
              // The route to ARM may differ from when it was queued (a jump host, a temporary opening): the
              // endpoint set now wins over the one recorded.
              const input = {
                ...inputOf(p),
                ...(p.cloud === 'custom' ? {} : { armEndpoint: q.armEndpoint }),
              };
              const s = await resolveConnection(input, undefined, { offlineOk: true }).catch(() => undefined);
              return s
                ? probeArm({ ...s, armEndpoint: s.armEndpoint || q.armEndpoint })
                : { online: false, detail: 'the connection settings cannot be used' };
            }
          : undefined,
      );
      return {
        items: items.map((q) => ({
          workspace: q.workspace,
          workspaceFile: q.workspaceFile,
          armEndpoint: q.armEndpoint,
          requestedAt: q.requestedAt,
          age: q.age,
          reason: q.reason,
          ...(q.probe ? { probe: q.probe } : {}),
        })),
      };
    },

    'azure.snapshot': async (req) => {
      const { ws, dir } = load('azure.snapshot', req);
      const path = resolve(req.path);
      try {
        const r = req.action === 'export' ? await exportSnapshot(dir, ws.name, path) : await importSnapshot(dir, ws.name, path);
        return { action: req.action, ...r };
      } catch (e) {
        // Worded for the Apply screen: its field is "Snapshot file".
        if (e instanceof SnapshotTransferError) throw new ApiError('failed', `${e.message} — ${e.fix}`);
        throw e;
      }
    },

    'azure.export': async (req) => {
      const { ws, desired } = load('azure.export', req);
      const files = exportFiles(desired, ws.name, req.format, req.out ? resolve(req.out) : undefined);
      const written = req.out ? await writeExports(files, req.format) : [];
      return { format: req.format, files, written };
    },

    'azure.secrets.list': async (req) => {
      if (req.fileName && req.text) {
        const { ws, desired } = load('azure.secrets.list', { fileName: req.fileName, text: req.text });
        return secretsView(ws, desired);
      }
      return secretsView();
    },

    'azure.secrets.store': async (req) => {
      if (!caps.vault)
        throw new ApiError(
          'bad-request',
          `azure.secrets.store: the ${caps.frontDoor} front door has no OS key store, so shared keys are not stored — type the key in the apply confirmation; it is sent with that request only`,
        );
      const status = caps.vault.status();
      if (status.protection === 'weak' && !status.weakAccepted && req.acceptWeakStorage)
        settings.set('secrets', { ...settings.get('secrets'), acceptWeakStorage: true });
      let sealed: SealedSecret;
      try {
        sealed = sealRecord(caps.vault, req.value);
      } catch (e) {
        if (e instanceof SecretRefused)
          throw new ApiError(
            'bad-request',
            `azure.secrets.store: ${e.message} — ${status.protection === 'weak' ? 'accept obfuscation-only storage explicitly, or start a secret service (GNOME Keyring, KWallet)' : 'type the key in the apply confirmation instead'}`,
          );
        throw e;
      }
      setSealedSecret(settings, req.name, sealed);
      return secretsView();
    },

    'azure.secrets.delete': async (req) => {
      setSealedSecret(settings, req.name, undefined);
      return secretsView();
    },
  };
}
