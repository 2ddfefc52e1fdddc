// What `junction drift` and the console's Problems screen both compare: the model against the latest state report
// of each host (<workspace>.observed.json, kept by `junction receipt import`) and Azure's last read (the snapshot
// `azure plan` saves). One loader so the CLI and the console give the same answer for the same files.
import type { Workspace } from '../../shared/model/schema';
import {
  computeDrift,
  unobservedHosts,
  type DriftInput,
  type DriftItem,
  type ObservedHost,
} from '../../shared/state/drift';
import { desiredResources } from '../../shared/azure/desired';
import { generateAll, type RunbookStep } from '../../shared/generate/index';
import { loadSnapshot, snapshotPath } from '../azure/state';
import { stateFileFor } from '../health/files';
import { observedFileFor, readObserved } from './state-import';

export interface DriftReport {
  items: DriftItem[];
  /** Modelled hosts with no state report yet. */
  unobserved: string[];
  observedFile: string;
  /** How many host reports the observed file holds. */
  observedHosts: number;
  azureSnapshot: { savedAt: string; file: string } | null;
  /** The snapshot exists but the model's Azure side does not plan: why Azure was not compared. */
  azureNotCompared?: { source: string; message: string; fix: string };
}

/** The observed-state file is there but unreadable (not JSON, not version 1): rebuild it with receipt import. */
export class ObservedStateError extends Error {}

/** `<workspace>.observed.json` beside the workspace file. */
export function observedFileOf(workspaceFile: string): string {
  return observedFileFor(stateFileFor(workspaceFile));
}

/** Reads the observed file and the Azure snapshot and computes the drift. A broken observed file throws ObservedStateError (its message names the file). */
export async function driftReport(
  ws: Workspace,
  opts: { observedFile: string; stateDir: string; now?: Date; expiringDays?: number },
): Promise<DriftReport> {
  const observedHosts = await readObserved(opts.observedFile).catch((e: Error) => {
    throw new ObservedStateError(e.message);
  });
  const observed = new Map<string, ObservedHost>(
    Object.values(observedHosts.hosts).map((e) => [e.host.toLowerCase(), { state: e.state, file: e.file }]),
  );
  let steps: RunbookStep[] = [];
  // Steps only name the fix of a host's difference: with no host reports there is none, and a large estate is not generated for nothing.
  try {
    if (observed.size) steps = generateAll(ws).steps;
  } catch {
    // A workspace the generator refuses still gets its drift; the fixes then name no step.
  }
  const snap = await loadSnapshot(opts.stateDir, ws.name).catch(() => undefined);
  const { resources, problems } = desiredResources(ws);
  const input: DriftInput = {
    ws,
    observed,
    steps,
    now: opts.now ?? new Date(),
    ...(opts.expiringDays !== undefined ? { expiringDays: opts.expiringDays } : {}),
    ...(snap && !problems.length
      ? {
          azure: {
            desired: resources,
            live: snap.resources,
            savedAt: snap.savedAt,
            source: snapshotPath(opts.stateDir, ws.name),
          },
        }
      : {}),
  };
  const first = problems[0];
  return {
    items: computeDrift(input),
    unobserved: unobservedHosts(ws, observed),
    observedFile: opts.observedFile,
    observedHosts: observed.size,
    azureSnapshot: snap ? { savedAt: snap.savedAt, file: snapshotPath(opts.stateDir, ws.name) } : null,
    ...(snap && first
      ? { azureNotCompared: { source: first.source, message: first.message, fix: first.fix } }
      : {}),
  };
}
