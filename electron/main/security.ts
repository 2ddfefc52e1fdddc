// The Electron security checklist, as values a test can import and check (tutorial/security in the Electron docs).
// No runtime import of 'electron' here: the test process has no Electron binary.
import type { BrowserWindowConstructorOptions } from 'electron';

/** The app's own origin. A standard, secure custom scheme gives the renderer a real origin (not file://). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'junction';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY = `${APP_ORIGIN}/index.html`;

/**
 * One CSP for both front doors. No inline script, no eval, no remote anything; workers only from the app itself;
 * style attributes set through the CSSOM (React, cytoscape) are not governed by style-src, so no 'unsafe-inline'.
 */
export const RENDERER_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "worker-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

export function mainWindowOptions(preloadPath: string, iconPath?: string): BrowserWindowConstructorOptions {
  return {
    // Linux window managers show this; Windows and macOS take the packaged app's icon.
    ...(iconPath ? { icon: iconPath } : {}),
    width: 1440,
    height: 900,
    minWidth: 960,
    minHeight: 600,
    show: false,
    title: 'Junction',
    backgroundColor: '#1b1e23',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      enableBlinkFeatures: '',
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      devTools: process.env.JUNCTION_DEVTOOLS === '1',
    },
  };
}

/** Only our own pages may talk to the host: parsed with the URL parser, never compared as prefixes. */
export function isTrustedSenderUrl(url: string | undefined | null): boolean {
  if (!url) return false;
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST && u.username === '' && u.password === '';
  } catch {
    return false;
  }
}

/** Navigation is allowed only within the app (a reload of its own page); everything else is prevented. */
export function isAllowedNavigation(url: string): boolean {
  return isTrustedSenderUrl(url);
}
