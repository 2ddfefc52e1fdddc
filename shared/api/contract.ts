// The one contract between the UI and the host, in the spirit of GitHub Desktop's ipc-shared.ts: every channel
// maps to a request schema (validated by the host on every call, whichever front door it came through: Electron
// IPC, the loopback web host, or a test) and a response type. The preload and the web client expose exactly
// these channels as named methods; nothing generic.
import { z } from 'zod';
import type { LoadProblem, Position } from '../model/load';
import type { Finding, Severity } from '../lint/types';
import type { Workspace } from '../model/schema';

/** Declares a channel: the request schema is a value (validated at runtime), the response a type. */
function channel<Res>() {
  return <Req extends z.ZodType>(request: Req) => ({ request, response: undefined as unknown as Res });
}

export interface AppInfo {
  version: string;
  frontDoor: 'electron' | 'web' | 'test';
  platform: string;
}

export interface LocatedFinding extends Finding {
  /** `$.hosts[2].interfaces[0]` */
  where: string;
  pointer: string;
  position?: Position;
}

export interface WorkspaceLoadResult {
  /** Where it came from: a path, or "example" for the embedded example. */
  origin: string;
  fileName: string;
  text: string;
  ok: boolean;
  workspace?: Workspace;
  problems: LoadProblem[];
}

export interface LintResult {
  findings: LocatedFinding[];
  counts: Record<Severity, number>;
  loadProblems: LoadProblem[];
}

const docText = z.strictObject({
  fileName: z.string().min(1).max(4096),
  text: z.string().max(64 * 1024 * 1024),
});

export const API = {
  'app.info': channel<AppInfo>()(z.strictObject({})),
  'workspace.openExample': channel<WorkspaceLoadResult>()(z.strictObject({})),
  'workspace.openFile': channel<WorkspaceLoadResult>()(z.strictObject({ path: z.string().min(1).max(4096) })),
  /** Re-parse edited text without touching disk (the editor calls this as the admin types). */
  'workspace.parse': channel<WorkspaceLoadResult>()(docText),
  'workspace.save': channel<{ path: string; bytes: number }>()(
    z.strictObject({ path: z.string().min(1).max(4096), text: z.string().max(64 * 1024 * 1024) }),
  ),
  'workspace.lint': channel<LintResult>()(
    docText.extend({ at: z.string().datetime({ offset: true }).optional() }),
  ),
  /** What the front door was started with (`junction serve FILE`, `npm start FILE`): the renderer opens it first. */
  'workspace.startup': channel<{ path?: string }>()(z.strictObject({})),
  'workspace.recent': channel<RecentWorkspace[]>()(z.strictObject({})),
  /** Native dialogs where the front door has them; the browser front door answers `unsupported` (type a path). */
  'dialog.openWorkspace': channel<DialogResult>()(z.strictObject({})),
  'dialog.saveWorkspace': channel<DialogResult>()(
    z.strictObject({ suggestedName: z.string().min(1).max(255).optional() }),
  ),
  'settings.get': channel<UiSettings>()(z.strictObject({})),
  'settings.update': channel<UiSettings>()(
    z.strictObject({
      theme: z.enum(['system', 'light', 'dark']).optional(),
      lastScreen: z.string().max(40).optional(),
    }),
  ),
  /** Whether secrets can be kept encrypted at rest on this machine (Electron safeStorage), and why not. */
  'secrets.status': channel<SecretStoreStatus>()(z.strictObject({})),
} as const;

/** Commands the desktop menu sends to the renderer (the only host→UI message; the browser binds the same keys). */
export const MENU_COMMANDS = [
  'open',
  'open-example',
  'save',
  'save-as',
  'screen:workspace',
  'screen:topology',
  'screen:problems',
  'screen:generate',
  'screen:certificates',
  'toggle-theme',
] as const;
export type MenuCommand = (typeof MENU_COMMANDS)[number];

export interface RecentWorkspace {
  path: string;
  name: string;
  openedAt: string;
}

export type DialogResult =
  { status: 'chosen'; path: string } | { status: 'canceled' } | { status: 'unsupported'; reason: string };

export interface UiSettings {
  theme: 'system' | 'light' | 'dark';
  lastScreen?: string;
}

export interface SecretStoreStatus {
  /** `encrypted`: an OS key store protects secrets; `weak`: only obfuscation (Linux basic_text); `none`: no store. */
  protection: 'encrypted' | 'weak' | 'none';
  backend: string;
  /** Whether the admin accepted storing secrets with weak protection (never assumed). */
  weakAccepted: boolean;
  detail: string;
}

export type ApiChannel = keyof typeof API;
export type ApiRequest<C extends ApiChannel> = z.input<(typeof API)[C]['request']>;
export type ApiResponse<C extends ApiChannel> = (typeof API)[C]['response'];

/** What the host implements and what the renderer calls: one async method per channel. */
export type JunctionApi = { [C in ApiChannel]: (request: ApiRequest<C>) => Promise<ApiResponse<C>> };

export const API_CHANNELS = Object.keys(API) as ApiChannel[];

/** Validates a request at the boundary; the error names the channel and the offending field. */
export function parseRequest<C extends ApiChannel>(
  channelName: C,
  payload: unknown,
): z.output<(typeof API)[C]['request']> {
  const schema = API[channelName]?.request;
  if (!schema) throw new ApiError('unknown-channel', `no such channel "${String(channelName)}"`);
  const r = schema.safeParse(payload ?? {});
  if (!r.success) {
    const first = r.error.issues[0];
    throw new ApiError(
      'bad-request',
      `${channelName}: ${first ? `${first.path.join('.') || '(request)'}: ${first.message}` : 'invalid request'}`,
    );
  }
  return r.data as z.output<(typeof API)[C]['request']>;
}

export class ApiError extends Error {
  constructor(
    readonly code: 'unknown-channel' | 'bad-request' | 'not-found' | 'forbidden' | 'failed',
    message: string,
  ) {
    super(message);
  }
}
