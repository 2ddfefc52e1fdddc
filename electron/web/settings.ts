// The CLI and the browser front door open the desktop app's settings file with `conf`: same directory as
// electron-store's userData, same name, schema, migrations and project version (see shared/settings).
import Conf from 'conf';
import { homedir } from 'node:os';
import { join } from 'node:path';
import {
  SETTINGS_CONFIG_NAME,
  SETTINGS_DEFAULTS,
  SETTINGS_MIGRATIONS,
  SETTINGS_PROJECT_VERSION,
  SETTINGS_SCHEMA,
  type SettingsData,
} from '../../shared/settings/schema';
import type { SettingsBackend } from '../services/host';

/** Electron's app.getPath('userData') for productName "Junction", computed without Electron. */
export function electronUserDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform = process.platform,
): string {
  if (env.JUNCTION_USER_DATA) return env.JUNCTION_USER_DATA;
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Junction');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Junction');
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'Junction');
}

export function openConfSettings(cwd = electronUserDataDir()): SettingsBackend {
  const conf = new Conf<SettingsData>({
    projectName: 'junction',
    cwd,
    configName: SETTINGS_CONFIG_NAME,
    defaults: SETTINGS_DEFAULTS,
    schema: SETTINGS_SCHEMA as never,
    migrations: SETTINGS_MIGRATIONS as never,
    projectVersion: SETTINGS_PROJECT_VERSION,
  });
  return { get: (k) => conf.get(k), set: (k, v) => conf.set(k, v) };
}
