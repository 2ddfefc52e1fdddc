// The renderer's only way to the host. In Electron the preload provides window.junction; in a browser the same
// contract goes over HTTP to the loopback host with the launch token from the URL fragment.
import { API_CHANNELS, type JunctionApi, type MenuCommand } from '../../shared/api/contract';
import { screenMessage } from '../../shared/api/screen-text';

declare global {
  interface Window {
    junction?: JunctionApi;
    junctionMenu?: { onCommand(listener: (command: MenuCommand) => void): () => void };
  }
}

const TOKEN_KEY = 'junction.launchToken';

/** Takes the token out of the address bar (so it is not bookmarked or shared) and keeps it for reloads. */
export function takeLaunchToken(): string | undefined {
  const m = /(?:^#|&)token=([A-Za-z0-9_-]+)/.exec(window.location.hash);
  if (m?.[1]) {
    sessionStorage.setItem(TOKEN_KEY, m[1]);
    history.replaceState(null, '', window.location.pathname + window.location.search);
    return m[1];
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
}

export function httpApi(token: string, fetchImpl: typeof fetch = fetch): JunctionApi {
  const api: Record<string, (req: unknown) => Promise<unknown>> = {};
  for (const name of API_CHANNELS) {
    api[name] = async (req: unknown) => {
      const res = await fetchImpl(`/api/${name}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
        body: JSON.stringify(req ?? {}),
      });
      const body = (await res.json().catch(() => undefined)) as
        { ok: true; result: unknown } | { ok: false; error: { code: string; message: string } } | undefined;
      if (!body) throw new Error(`The Junction host answered ${res.status} without a body`);
      if (!body.ok) throw new Error(body.error.message);
      return body.result;
    };
  }
  return api as unknown as JunctionApi;
}

export function connect(): JunctionApi | { error: string } {
  if (window.junction) return onScreen(window.junction);
  const token = takeLaunchToken();
  if (!token)
    return {
      error: 'This page needs the launch link printed by `junction serve` (it carries a one-time token).',
    };
  return onScreen(httpApi(token));
}

/** Every channel's errors in the screen's words (see shared/api/screen-text.ts), whichever front door answered. */
export function onScreen(api: JunctionApi): JunctionApi {
  const wrapped: Record<string, (req: unknown) => Promise<unknown>> = {};
  for (const name of API_CHANNELS) {
    const call = api[name] as (req: unknown) => Promise<unknown>;
    wrapped[name] = (req: unknown) =>
      call(req).catch((e: unknown) => {
        throw new Error(screenMessage(name, (e as Error)?.message ?? String(e)));
      });
  }
  return wrapped as unknown as JunctionApi;
}
