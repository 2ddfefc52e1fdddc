// Channels of issue 20 in the console: what the unsaved edits open or close against the saved file (the reach
// diff, as `junction reach --diff`), and the needed flows and intents that fail (as `junction reach --intents`),
// each with the full reach answer so the network diagram can trace it hop by hop.
import { z } from 'zod';
import type { ReachDiff } from '../reach/diff';
import { channel, docText } from './channel';
import type { ReachAnswer } from './health-api';

export type ReachDiffAnswer =
  | {
      ok: true;
      diff: ReachDiff;
      /** The same text as `junction reach --diff` prints. */
      text: string;
      /** Where each change's deciding element sits in the edited text, by `decidedBy.path`. */
      positions: Record<string, { line: number; column: number }>;
    }
  /** One side does not load (mid-edit, or a saved file with schema problems): why, in one sentence. */
  | { ok: false; error: string };

export interface FailingFlowView {
  kind: 'needed' | 'intent';
  /** 'CycleCloud "cc"', 'intent 2'. */
  owner: string;
  /** Where the owner is declared: `$.intents[1]`. */
  where: string;
  line?: number;
  column?: number;
  /** "cc01 → Internet TCP 443". */
  description: string;
  why: string;
  expect: 'reachable' | 'blocked';
  verdict: 'reachable' | 'blocked' | 'no-route' | 'unresolved';
  /** The walk that decided, for the diagram's trace; absent when an end is not in the workspace. */
  answer?: Extract<ReachAnswer, { ok: true }>;
  error?: string;
}

export type FailingFlowsAnswer =
  | { ok: true; checked: { needed: number; intents: number }; failing: FailingFlowView[] }
  | { ok: false; error: string };

export const REACH_API = {
  /** The reach diff from the saved text (OLD) to the edited text (NEW). */
  'reach.diffSaved': channel<ReachDiffAnswer>()(
    docText.extend({ savedText: z.string().max(64 * 1024 * 1024) }),
  ),
  /** Needed flows and intents of the document that fail. */
  'reach.failingFlows': channel<FailingFlowsAnswer>()(docText),
} as const;
