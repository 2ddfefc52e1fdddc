// Host errors as the console shows them. The host's messages serve the CLI and the logs too, so they name the
// channel and the request's field ("bundle.build: out: …") or the CLI's flags ("--sign-key"); an admin on a screen
// sees neither. The renderer's client passes every channel's error through screenMessage, one place for all screens.
import { API, API_CHANNELS } from './contract';

/** Request fields as the screens label them; per channel where one name means different fields. */
const FIELD_LABELS: Record<string, string> = {
  path: 'Path',
  out: 'Output path',
  outDir: 'Output folder',
  signKey: 'Signing key (.pfx)',
  storedKey: 'Stored signing key',
  password: 'PFX password',
  azureExport: 'Azure export',
  staging: 'Staged CycleCloud projects',
  mediaLimit: 'the "Split files over 4 GiB into parts" option',
  allowLintErrors: 'the "Build anyway" confirmation',
  format: 'Format',
  hosts: 'Hosts',
  scenarios: 'Scenarios',
  fingerprint: 'Signer fingerprint',
  source: 'Bundle folder',
  target: 'Target',
  subject: 'Subject',
  sans: 'Subject alternative names',
  days: 'Validity (days)',
  keySize: 'RSA key size',
  purpose: 'Purpose',
  profile: 'PFX profile',
  pfx: 'PFX to import',
  label: 'Label',
  keepKey: "Keep the key in this computer's key store",
  from: 'From',
  to: 'To',
  port: 'Port',
  proto: 'Protocol',
  caFile: 'CA file',
  workspace: 'Workspace',
  fileName: 'Workspace file name',
  text: 'Workspace document',
  savedText: 'Saved document',
  certificatePassword: 'Certificate password',
  planHash: 'Plan',
  id: 'Key',
  at: 'Date',
  name: 'Secret name',
};
const CHANNEL_FIELD_LABELS: Record<string, Record<string, string>> = {
  'bundle.verify': { path: 'Bundle path', fingerprint: 'Signer fingerprint for this check' },
  'azure.snapshot': { path: 'Snapshot file' },
  'health.importReport': { path: 'Report path' },
  'keys.import': { password: 'Password (.pfx only)' },
};

/** The CLI's flags, as the screens name the same choice. */
const FLAG_LABELS: Record<string, string> = {
  out: '"Output path"',
  'sign-key': '"Signing key (.pfx)"',
  'password-file': '"PFX password"',
  'media-limit': 'the "Split files over 4 GiB into parts" option',
  'azure-export': '"Azure export"',
  'allow-lint-errors': 'the "Build anyway" confirmation',
  staging: '"Staged CycleCloud projects"',
  format: '"Format"',
  trust: '"Signer fingerprint for this check"',
  purpose: '"Purpose"',
  profile: '"PFX profile"',
  drive: '"Target"',
  to: '"Target"',
  'from-workspace': '"Create from entry"',
};

const humanise = (flag: string) => `"${flag.charAt(0).toUpperCase()}${flag.slice(1).replace(/-/g, ' ')}"`;

/** A request field with no screen label yet, in words ("acceptWeakStorage" → "Accept weak storage"). */
function fieldWords(channel: string, field: string): string | undefined {
  const shape = (API as Record<string, { request: { shape?: Record<string, unknown> } }>)[channel]?.request
    .shape;
  if (!shape || !(field in shape)) return undefined;
  const words = field.replace(/([A-Z])/g, ' $1').toLowerCase();
  return `${words.charAt(0).toUpperCase()}${words.slice(1)}`;
}

/** Fixes that quote a CLI command for something the screen does itself. */
const PHRASES: [RegExp, string][] = [
  [/build one with `junction bundle build \.\.\. --format dir`/g, 'build one with Format "Folder" above'],
];

// Electron wraps a rejected invoke as "Error invoking remote method 'ch': ApiError: message".
const ELECTRON_WRAP = /^Error invoking remote method '[^']*': (?:\w*Error: )?/;
const CHANNEL_PREFIX = new RegExp(
  `^(?:(?:${API_CHANNELS.map((c) => c.replace(/\./g, '\\.')).join('|')}): )+`,
);

/** One host error in the screen's words: no channel name in front, the field's label, no CLI flag. */
export function screenMessage(channel: string, message: string): string {
  let m = message.replace(ELECTRON_WRAP, '').replace(CHANNEL_PREFIX, '');
  // "out: Too small…" / "sans.0: …": the request's field path, as the schema check reports it.
  m = m.replace(/^([a-zA-Z]+)((?:\.\w+)*): /, (whole, field: string, rest: string) => {
    const label = CHANNEL_FIELD_LABELS[channel]?.[field] ?? FIELD_LABELS[field] ?? fieldWords(channel, field);
    if (!label) return whole;
    const index = /^\.(\d+)/.exec(rest);
    return `${label}${index ? ` (item ${Number(index[1]) + 1})` : ''}: `;
  });
  m = PHRASES.reduce((t, [re, words]) => t.replace(re, words), m);
  // CLI commands quoted in a fix are kept (an admin may use the CLI), but their flags read as the screen's fields.
  return m.replace(
    /(^|[^\w-])--([a-z][a-z0-9-]*)/g,
    (_w, before: string, flag: string) => `${before}${FLAG_LABELS[flag] ?? humanise(flag)}`,
  );
}
