// Far-side reports into the probe time series: the same lines electron/health/history.ts writes, marked
// source "far-side" and stamped with the far side's collection time. Importing a report twice adds nothing.
import type { HealthReport } from '../../shared/health/report';
import { historyRecords } from '../../shared/health/report';
import { appendHistory, readHistory } from './history';
import type { ProbeResult } from './types';

export async function appendFarSideReport(historyFile: string, report: HealthReport): Promise<number> {
  const { results } = await readHistory(historyFile);
  const key = (r: { id: string; at: string; host?: unknown }) => `${r.id}\u0000${r.at}\u0000${String(r.host ?? '')}`;
  const seen = new Set(results.filter((r) => (r as { source?: string }).source === 'far-side').map((r) => key(r as ProbeResult & { host?: string })));
  const fresh = historyRecords(report).filter((r) => !seen.has(key(r)));
  await appendHistory(historyFile, fresh satisfies ProbeResult[]);
  return fresh.length;
}
