// Carrying a snapshot of live Azure state from a connected machine to the one where the change is reviewed: export
// writes the workspace's last snapshot (what `plan` read from ARM) to a file, import checks such a file and makes it
// the snapshot an offline plan reads. The file holds ARM's GET bodies (no shared keys: ARM does not return them).
import { open, stat } from 'node:fs/promises';
import { z } from 'zod';
import { loadSnapshot, saveSnapshot, type Snapshot } from './state';
import { writeFileAtomic } from '../services/atomic-write';

export const SNAPSHOT_FORMAT = 'junction-azure-snapshot/1';
/** Far above a real estate's resources (a few MiB), low enough that a wrong file cannot fill memory. */
const MAX_BYTES = 64 * 1024 * 1024;

export class SnapshotTransferError extends Error {
  constructor(
    message: string,
    readonly fix: string,
  ) {
    super(message);
  }
}

const KINDS = [
  'nsg',
  'routeTable',
  'publicIp',
  'localNetworkGateway',
  'vnet',
  'vpnGateway',
  'connection',
] as const;
const SnapshotFile = z.strictObject({
  format: z.literal(SNAPSHOT_FORMAT),
  workspace: z.string().min(1).max(256),
  armEndpoint: z.url({ protocol: /^https$/ }),
  savedAt: z.iso.datetime(),
  scopes: z.array(z.string().max(1024)).max(10_000),
  resources: z
    .array(
      z.strictObject({
        kind: z.enum(KINDS),
        armId: z
          .string()
          .regex(
            /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Network\//i,
            'an ARM id under Microsoft.Network',
          )
          .max(1024),
        etag: z.string().max(256).optional(),
        body: z.record(z.string(), z.unknown()),
      }),
    )
    .max(100_000),
});

export interface SnapshotSummary {
  workspace: string;
  savedAt: string;
  resources: number;
  file: string;
}

export async function exportSnapshot(dir: string, workspace: string, out: string): Promise<SnapshotSummary> {
  const snap = await loadSnapshot(dir, workspace);
  if (!snap)
    throw new SnapshotTransferError(
      `there is no snapshot of live state for "${workspace}" on this machine`,
      'plan once here while ARM answers (a live plan saves the snapshot), then export it',
    );
  const exists = await stat(out).then(
    () => true,
    () => false,
  );
  if (exists)
    throw new SnapshotTransferError(
      `${out} already exists`,
      'choose a new file name; an export never overwrites',
    );
  await writeFileAtomic(out, JSON.stringify({ format: SNAPSHOT_FORMAT, ...snap }, null, 1) + '\n', 0o600);
  return { workspace, savedAt: snap.savedAt, resources: snap.resources.length, file: out };
}

async function readCapped(file: string): Promise<string> {
  let fh;
  try {
    fh = await open(file, 'r');
  } catch (e) {
    throw new SnapshotTransferError(
      `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      'check the path of the exported snapshot',
    );
  }
  try {
    const st = await fh.stat();
    if (!st.isFile())
      throw new SnapshotTransferError(`${file} is not a file`, 'choose the .json file the export wrote');
    if (st.size > MAX_BYTES)
      throw new SnapshotTransferError(
        `${file} is ${st.size} bytes, more than a snapshot can be`,
        'choose the .json file the export wrote',
      );
    return await fh.readFile('utf8');
  } finally {
    await fh.close();
  }
}

/** Checks an exported snapshot and makes it this workspace's snapshot; returns it and the one it replaced, if any. */
export async function importSnapshot(
  dir: string,
  workspace: string,
  file: string,
): Promise<SnapshotSummary & { replaced?: string }> {
  const text = await readCapped(file);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new SnapshotTransferError(
      `${file} is not JSON: ${(e as Error).message}`,
      'choose the .json file the export wrote',
    );
  }
  const r = SnapshotFile.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new SnapshotTransferError(
      `${file} at ${issue.path.join('.') || '(root)'}: ${issue.message}`,
      'export the snapshot again on the connected machine; the file is not a Junction snapshot',
    );
  }
  const { format: _format, ...snap } = r.data;
  if (snap.workspace !== workspace)
    throw new SnapshotTransferError(
      `${file} is a snapshot of workspace "${snap.workspace}", not "${workspace}"`,
      'open that workspace, or export the snapshot of this one',
    );
  const previous = await loadSnapshot(dir, workspace).catch(() => undefined);
  await saveSnapshot(dir, snap as Snapshot);
  return {
    workspace,
    savedAt: snap.savedAt,
    resources: snap.resources.length,
    file,
    ...(previous ? { replaced: previous.savedAt } : {}),
  };
}
