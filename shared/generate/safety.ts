// The findings that make generated output unsafe or wrong rather than merely unwise: a reference to nothing (the
// generators would name folders after it or crash on it), ids that collide ignoring case (apply.sh and apply.ps1
// compare host ids as Windows does, case-blind), and a License Link IPv6 prefix that netsh would be handed. These
// stop the generators whatever lint override is in force; the general lint gate is the bundle builder's business.
import type { Workspace } from '../model/schema';
import { buildLookup, type Lookup } from '../model/lookup';
import { duplicateId, unknownReference } from '../lint/rules/workspace';
import { ipv6Prefix } from '../lint/rules/license-link';
import type { Rule } from '../lint/types';
import type { LoadProblem, SourceMap } from '../model/load';
import { formatPath } from '../model/path';
import { isSafeName, UnsafeWorkspaceError, type UnsafeFinding } from './escape';

/** The lint rules whose errors block generation. */
export const GENERATION_BLOCKERS: readonly Rule[] = [duplicateId, unknownReference, ipv6Prefix];

export function unsafeFindings(ws: Workspace, lookup: Lookup = buildLookup(ws)): UnsafeFinding[] {
  const ctx = { lookup, now: new Date(0) };
  const out: UnsafeFinding[] = [];
  // Ids name the output folders: the schema's id pattern still allows a trailing dot and Windows device names.
  for (const [id, paths] of ctx.lookup.declarations)
    if (!isSafeName(id))
      for (const p of paths)
        out.push({
          message: `id "${id}" cannot be a folder name on Windows (a device name such as CON or NUL, or a trailing ".")`,
          path: [...p, 'id'],
          fix: `rename it, e.g. "${id.replace(/\.+$/, '')}-1"`,
        });
  for (const rule of GENERATION_BLOCKERS)
    for (const d of rule.check(ctx))
      if ((d.severity ?? rule.severity) === 'error') out.push({ message: d.message, path: d.path, fix: d.fix, ruleId: rule.id });
  return out;
}

/** Throws UnsafeWorkspaceError listing every blocking finding; returns when the workspace is safe to generate from. */
export function assertGeneratable(ws: Workspace, lookup?: Lookup): void {
  const found = unsafeFindings(ws, lookup);
  if (found.length) throw new UnsafeWorkspaceError(found);
}

/** The refusal as the loader's located problems, for callers that show problems rather than print an error. */
export function refusalProblems(e: UnsafeWorkspaceError, file: string, source?: SourceMap): LoadProblem[] {
  return e.findings.map((f) => {
    const position = source?.locate(f.path);
    return {
      file,
      kind: 'schema' as const,
      message: `${f.ruleId ? `${f.ruleId}: ` : ''}${f.message} (scripts are not generated from this workspace until it is fixed)`,
      path: formatPath(f.path),
      ...(position ? { position } : {}),
      fix: f.fix,
    };
  });
}
