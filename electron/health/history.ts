// The probe time series: one JSON object per line, appended, never rewritten. writeFileAtomic suits documents
// that are replaced whole; a history that only grows is better served by O_APPEND, where a crash can at worst
// leave one torn last line, which the reader skips and counts.
import { appendFile, mkdir, open, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ProbeResult } from './types';

export async function appendHistory(file: string, results: readonly ProbeResult[]): Promise<void> {
  if (results.length === 0) return;
  await mkdir(dirname(file), { recursive: true });
  // After a torn write, start on a fresh line so only the torn record is lost, not this one too.
  const lead = (await endsTorn(file)) ? '\n' : '';
  await appendFile(file, lead + results.map((r) => JSON.stringify(r)).join('\n') + '\n', { encoding: 'utf8', flag: 'a', mode: 0o644 });
}

async function endsTorn(file: string): Promise<boolean> {
  let fh;
  try {
    fh = await open(file, 'r');
  } catch {
    return false;
  }
  try {
    const { size } = await fh.stat();
    if (size === 0) return false;
    const b = Buffer.alloc(1);
    await fh.read(b, 0, 1, size - 1);
    return b[0] !== 0x0a;
  } finally {
    await fh.close();
  }
}

export async function readHistory(file: string): Promise<{ results: ProbeResult[]; skipped: number }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { results: [], skipped: 0 };
    throw e;
  }
  const results: ProbeResult[] = [];
  let skipped = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const r = JSON.parse(line) as ProbeResult;
      if (typeof r.id === 'string' && typeof r.at === 'string' && typeof r.status === 'string') results.push(r);
      else skipped++;
    } catch {
      skipped++;
    }
  }
  return { results, skipped };
}

/** The series for one probe id, oldest first: what a sparkline per link draws. */
export function seriesFor(results: readonly ProbeResult[], id: string): ProbeResult[] {
  return results.filter((r) => r.id === id).sort((a, b) => a.at.localeCompare(b.at));
}
