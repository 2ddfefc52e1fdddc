// The apply journal: one append-only JSON-lines file per apply. Each record is one write() of one line followed by
// fsync, so a crash leaves at most a torn last line, which reading ignores. Steps are recorded before and after,
// which is what lets `apply --resume` skip every completed PUT.
import { open, readFile, readdir, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fsyncDir } from '../services/atomic-write';
import type { ArmBody, ResourceKind } from '../../shared/azure/desired';
import { slug } from './state';

export interface JournalStep {
  index: number;
  action: 'Create' | 'Modify' | 'Delete';
  kind: ResourceKind;
  armId: string;
  name: string;
  subscriptionId: string;
  resourceGroup: string;
  /** Desired body without secrets; absent for deletes. */
  body?: ArmBody;
  secrets?: Record<string, string>;
  etag?: string;
}

export type JournalRecord =
  | {
      t: 'begin';
      applyId: string;
      workspace: string;
      workspaceHash: string;
      armEndpoint: string;
      at: string;
      steps: JournalStep[];
    }
  | { t: 'resume'; at: string; pid: number }
  | { t: 'start'; index: number; at: string }
  | { t: 'done'; index: number; at: string; etag?: string; verified?: boolean }
  | { t: 'failed'; index: number; at: string; code: string; message: string }
  | { t: 'end'; at: string; status: 'completed' | 'stopped' };

export interface JournalState {
  file: string;
  begin: Extract<JournalRecord, { t: 'begin' }>;
  done: Set<number>;
  started: Set<number>;
  failed: Map<number, { code: string; message: string }>;
  ended?: 'completed' | 'stopped';
  /** Every readable record in order (the screen's log is made from them). */
  records: JournalRecord[];
}

export class Journal {
  private constructor(readonly file: string) {}

  static async create(
    dir: string,
    begin: Omit<Extract<JournalRecord, { t: 'begin' }>, 't'>,
  ): Promise<Journal> {
    const jdir = join(dir, 'journals');
    await mkdir(jdir, { recursive: true });
    const j = new Journal(join(jdir, `${slug(begin.workspace)}-${begin.applyId}.jsonl`));
    await j.append({ t: 'begin', ...begin });
    await fsyncDir(jdir);
    return j;
  }

  static open(file: string): Journal {
    return new Journal(file);
  }

  async append(rec: JournalRecord): Promise<void> {
    const fh = await open(this.file, 'a', 0o600);
    try {
      await fh.write(JSON.stringify(rec) + '\n');
      await fh.sync();
    } finally {
      await fh.close();
    }
  }
}

export async function readJournal(file: string): Promise<JournalState> {
  const lines = (await readFile(file, 'utf8')).split('\n');
  const recs: JournalRecord[] = [];
  for (const line of lines) {
    if (!line.trim()) continue;
    try {
      recs.push(JSON.parse(line) as JournalRecord);
    } catch {
      break; // torn last line from a crash mid-write
    }
  }
  const begin = recs[0];
  if (!begin || begin.t !== 'begin')
    throw new Error(`${file} is not a Junction apply journal (no begin record)`);
  const st: JournalState = {
    file,
    begin,
    done: new Set(),
    started: new Set(),
    failed: new Map(),
    records: recs,
  };
  for (const r of recs) {
    if (r.t === 'start') st.started.add(r.index);
    else if (r.t === 'done') {
      st.done.add(r.index);
      st.failed.delete(r.index);
    } else if (r.t === 'failed') st.failed.set(r.index, { code: r.code, message: r.message });
    else if (r.t === 'end') st.ended = r.status;
    else if (r.t === 'resume') st.ended = undefined;
  }
  return st;
}

/** This workspace's journal files, newest first (apply ids start with a UTC timestamp). */
async function journalFiles(dir: string, workspace: string): Promise<string[]> {
  const jdir = join(dir, 'journals');
  const prefix = `${slug(workspace)}-`;
  const names = (await readdir(jdir).catch(() => [] as string[])).filter(
    (n) => n.startsWith(prefix) && /^\d{8}T\d{6}Z-[0-9a-f]{6}\.jsonl$/.test(n.slice(prefix.length)),
  );
  return names
    .sort()
    .reverse()
    .map((n) => join(jdir, n));
}

/**
 * The workspace's newest journal, if it did not complete. An older unfinished one is history, never resumable: a
 * later apply has since brought Azure to a newer plan, and replaying the old one would roll that back.
 */
export async function latestUnfinished(dir: string, workspace: string): Promise<JournalState | undefined> {
  const st = await latestJournal(dir, workspace);
  return st && st.ended !== 'completed' ? st : undefined;
}

/** The newest journal of this workspace, finished or not. */
export async function latestJournal(dir: string, workspace: string): Promise<JournalState | undefined> {
  const files = await journalFiles(dir, workspace);
  // Apply ids have one-second resolution and a random tail: within the newest second, the begin time decides.
  const second = (f: string) => /(\d{8}T\d{6}Z)-[0-9a-f]{6}\.jsonl$/.exec(f)?.[1];
  const tied = files.filter((f) => second(f) === second(files[0] ?? ''));
  let best: JournalState | undefined;
  for (const f of tied) {
    const st = await readJournal(f);
    if (!best || st.begin.at > best.begin.at) best = st;
  }
  return best;
}
