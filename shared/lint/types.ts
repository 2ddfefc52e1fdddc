import type { DocPath } from '../model/path';
import type { Lookup } from '../model/lookup';

export type Severity = 'error' | 'warning' | 'info';

export interface RuleMeta {
  /** Stable id: never reused, never renumbered. Findings, docs and suppressions key on it. */
  readonly id: string;
  /** Short kebab-case name, for people. */
  readonly name: string;
  readonly severity: Severity;
  /** Which source documents describe the failure this rule prevents ("000" … "004"). */
  readonly seeds: readonly string[];
  readonly title: string;
  /** Why it matters: the failure an admin sees when this is wrong. */
  readonly explanation: string;
  /** Published pages the rule's constraint comes from (Azure platform rules cite Microsoft's documentation). */
  readonly sources?: readonly { readonly title: string; readonly url: string }[];
}

export interface FindingDraft {
  message: string;
  path: DocPath;
  fix: string;
  /** Overrides the rule's default severity for this finding (e.g. "expiring" vs "expired"). */
  severity?: Severity;
}

export interface Finding {
  ruleId: string;
  ruleName: string;
  severity: Severity;
  message: string;
  path: DocPath;
  fix: string;
}

export interface LintContext {
  readonly lookup: Lookup;
  /** Lint is pure: the clock comes in as data so results are reproducible. */
  readonly now: Date;
}

export interface Rule extends RuleMeta {
  check(ctx: LintContext): FindingDraft[];
}
