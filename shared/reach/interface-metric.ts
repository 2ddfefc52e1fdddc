// Windows' automatic interface metric (Set-NetIPInterface -AutomaticMetric Enabled, the default): the stack picks the
// interface metric from the link speed, which the model does not hold. What the model does know is the host's OS,
// and Microsoft's table bounds the value for each OS family, so an automatic metric is a range, not an unknown.
// Source: Microsoft, "An explanation of the Automatic Metric feature for IPv4 routes" (KB 299540),
// https://learn.microsoft.com/en-us/troubleshoot/windows-server/networking/automatic-metric-for-ipv4-routes
//   Windows XP SP2 up to Windows 8.1 / Server 2012 R2: 5 (>= 2 Gb) … 50 (<= 500 Kb).
//   Windows 10 / Server 2016 and later: wired and other media 5 (>= 100 Gb) … 75 (< 500 Kb);
//   wireless media 25 (>= 2 Gb) … 85 (< 200 Kb). The model does not record the medium, so both together: 5 … 85.
import type { Host } from '../model/schema';

export const AUTOMATIC_METRIC_SOURCE =
  'Microsoft, "An explanation of the Automatic Metric feature for IPv4 routes" (https://learn.microsoft.com/en-us/troubleshoot/windows-server/networking/automatic-metric-for-ipv4-routes)';

export interface MetricRange {
  min: number;
  max: number;
}

export interface AutomaticMetric extends MetricRange {
  /** Which row of Microsoft's table the range comes from, for explanations. */
  basis: string;
}

const LEGACY: AutomaticMetric = { min: 5, max: 50, basis: 'Windows before Windows 10 / Server 2016: 5–50 by link speed' };
const MODERN: AutomaticMetric = { min: 5, max: 85, basis: 'Windows 10 / Server 2016 and later: 5–75 wired, 25–85 wireless, by link speed' };
const UNKNOWN: AutomaticMetric = { ...MODERN, basis: 'OS not given, so the widest Windows table: 5–85 by link speed' };

/**
 * The range Windows' automatic interface metric can take on this host, or undefined when the host does not run
 * Windows (the model's metrics are Windows' route + interface metric; another OS decides differently).
 */
export function automaticMetricRange(os: string | undefined): AutomaticMetric | undefined {
  if (!os || !os.trim()) return UNKNOWN;
  const s = os.toLowerCase();
  if (!s.includes('windows')) return undefined;
  if (/server\s*(2016|2019|2022|2025)|windows\s*(10|11)\b/.test(s)) return MODERN;
  if (/server\s*(2003|2008|2012)|windows\s*(xp|vista|7|8)\b/.test(s)) return LEGACY;
  return UNKNOWN;
}

/** The interface metric as a range: a set metric is a point; an automatic one the OS's row of the table. */
export function interfaceMetricRange(host: Pick<Host, 'os'>, interfaceMetric: number | undefined): MetricRange | undefined {
  if (interfaceMetric !== undefined) return { min: interfaceMetric, max: interfaceMetric };
  const r = automaticMetricRange(host.os);
  return r ? { min: r.min, max: r.max } : undefined;
}

/** Two cost ranges can produce the same or swapped order on some link speeds. */
export const rangesOverlap = (a: MetricRange, b: MetricRange): boolean => a.min <= b.max && b.min <= a.max;

export const formatRange = (r: MetricRange): string => (r.min === r.max ? String(r.min) : `${r.min}–${r.max}`);
