// The console's side of issue 22: the drift between the document and what the hosts and Azure were last seen to
// have, as `junction drift` computes it (electron/bundle/drift-report.ts), for the Problems screen and the topology.
import type { DriftFix, DriftKind } from '../state/drift';
import { channel, docText, filePath } from './channel';

export interface DriftItemView {
  kind: DriftKind;
  /** Workspace host id, or "azure". */
  host: string;
  /** Where the model says otherwise: `$.hosts[2].interfaces[0].routeMetric`. */
  path: string;
  message: string;
  expected: unknown;
  observed: unknown;
  /** When it was observed (the report's collection time, or the snapshot's). */
  observedAt?: string;
  /** The report or snapshot it comes from. */
  source?: string;
  fix: DriftFix;
  /** Where `path` (or the nearest enclosing value the document has) sits in the text. */
  line?: number;
  column?: number;
}

export type DriftAnswer =
  | {
      ok: true;
      /** false: the document has no file, so there is no observed state beside it; `note` says so. */
      hasObserved: boolean;
      note?: string;
      observedFile?: string;
      /** How many host reports the observed file holds. */
      observedHosts: number;
      azureSnapshot: { savedAt: string } | null;
      /** Why Azure was not compared although a snapshot exists. */
      azureNotCompared?: string;
      /** Modelled hosts with no report yet. */
      unobserved: string[];
      items: DriftItemView[];
      /** Workspace host ids with at least one difference: the topology marks them. */
      driftedHosts: string[];
    }
  /** The document does not load, or the observed file is unreadable: why, with the fix. */
  | { ok: false; error: string };

export const DRIFT_API = {
  /**
   * The drift of the document as edited against `<workspace>.observed.json` beside its saved file (kept by
   * `junction receipt import`) and the Azure snapshot `azure plan` saved. `workspace` absent: an unsaved document.
   */
  'drift.report': channel<DriftAnswer>()(docText.extend({ workspace: filePath.optional() })),
} as const;
