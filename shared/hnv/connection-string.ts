// The VMM "Microsoft Windows Server Gateway" connection string (seed 004, KB 3012571):
//   VMHost=<host>;GatewayVM=<vm>;BackendSwitch=<switch>[;DirectRoutingMode=True]
// No spaces, ";" between pairs. VMM accepts a typo silently and the gateway then fails its provider test, so
// Junction derives the string from the model and checks any string an admin pasted in.

export const REQUIRED_KEYS = ['VMHost', 'GatewayVM', 'BackendSwitch'] as const;
export const OPTIONAL_KEYS = ['DirectRoutingMode'] as const;
const KNOWN: readonly string[] = [...REQUIRED_KEYS, ...OPTIONAL_KEYS];

export interface ConnectionStringProblem {
  message: string;
  fix: string;
}

export interface ParsedConnectionString {
  values: Record<string, string>;
  problems: ConnectionStringProblem[];
}

export function buildConnectionString(p: {
  vmHost: string;
  gatewayVm: string;
  backendSwitch: string;
  directRoutingMode?: boolean;
}): string {
  const parts = [`VMHost=${p.vmHost}`, `GatewayVM=${p.gatewayVm}`, `BackendSwitch=${p.backendSwitch}`];
  if (p.directRoutingMode) parts.push('DirectRoutingMode=True');
  return parts.join(';');
}

export function parseConnectionString(text: string): ParsedConnectionString {
  const problems: ConnectionStringProblem[] = [];
  const values: Record<string, string> = {};
  if (/\s/.test(text)) {
    problems.push({
      message: 'the connection string contains white space',
      fix: 'remove every space: pairs are written Key=Value and separated by ";" only',
    });
  }
  const body = text.trim().replace(/;$/, '');
  const segments = body.split(';');
  segments.forEach((segRaw, i) => {
    const seg = segRaw.trim();
    if (seg === '') {
      problems.push({ message: `empty pair at position ${i + 1} (";;")`, fix: 'remove the doubled ";"' });
      return;
    }
    const eq = seg.indexOf('=');
    if (eq <= 0) {
      problems.push({
        message: `"${seg}" is not a Key=Value pair`,
        fix: 'write each pair as Key=Value, e.g. VMHost=hv01.contoso.com',
      });
      return;
    }
    const key = seg.slice(0, eq).trim();
    const value = seg.slice(eq + 1).trim();
    if (!KNOWN.includes(key)) {
      const near = KNOWN.find(
        (k) => k.toLowerCase() === key.toLowerCase() || editDistance(k.toLowerCase(), key.toLowerCase()) <= 2,
      );
      problems.push({
        message: `unknown key "${key}"`,
        fix: near ? `did you mean "${near}"? (keys are case-sensitive)` : `use only ${KNOWN.join(', ')}`,
      });
      return;
    }
    if (key in values) {
      problems.push({ message: `"${key}" appears more than once`, fix: `keep one ${key}= pair` });
      return;
    }
    if (value === '') problems.push({ message: `"${key}" has no value`, fix: `give ${key} a value` });
    if (key === 'DirectRoutingMode' && !/^(True|False)$/.test(value)) {
      problems.push({
        message: `DirectRoutingMode must be True or False, got "${value}"`,
        fix: 'write DirectRoutingMode=True',
      });
    }
    values[key] = value;
  });
  for (const k of REQUIRED_KEYS) {
    if (!(k in values) && !problems.some((p) => p.fix.includes(`"${k}"`))) {
      problems.push({ message: `missing ${k}`, fix: `add ;${k}=<value>` });
    }
  }
  return { values, problems };
}

function editDistance(a: string, b: string): number {
  const dp = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) dp[0]![j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++)
      dp[i]![j] = Math.min(
        dp[i - 1]![j]! + 1,
        dp[i]![j - 1]! + 1,
        dp[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
  return dp[a.length]![b.length]!;
}
