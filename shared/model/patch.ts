// Rewrites a workspace's text to hold a changed document while touching only what changed: the admin's layout,
// key order and (in YAML) comments stay, and `git diff` after an import shows what reality changed, nothing else.
import { applyEdits, modify, type FormattingOptions } from 'jsonc-parser';
import { parseDocument } from 'yaml';
import type { SourceFormat } from './load';

type Path = (string | number)[];
export interface PathChange {
  path: Path;
  /** undefined: remove. */
  value: unknown;
  /** Append to an array rather than replace an element. */
  insert?: boolean;
}

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The smallest set of path-level changes that turns `before` into `after`. */
export function changesBetween(before: unknown, after: unknown, path: Path = []): PathChange[] {
  if (same(before, after)) return [];
  if (isObj(before) && isObj(after)) {
    const out: PathChange[] = [];
    for (const k of Object.keys(before)) if (!(k in after) || after[k] === undefined) out.push({ path: [...path, k], value: undefined });
    for (const [k, v] of Object.entries(after)) if (v !== undefined) out.push(...changesBetween(before[k], v, [...path, k]));
    return out;
  }
  if (Array.isArray(before) && Array.isArray(after) && after.length >= before.length) {
    const out: PathChange[] = [];
    before.forEach((b, i) => out.push(...changesBetween(b, after[i], [...path, i])));
    for (let i = before.length; i < after.length; i++) out.push({ path: [...path, i], value: after[i], insert: true });
    return out;
  }
  return [{ path, value: after }];
}

const JSON_FORMAT: FormattingOptions = { insertSpaces: true, tabSize: 2, eol: '\n' };

/** `text` (the document `before`) rewritten to hold `after`. */
export function patchText(text: string, format: SourceFormat, before: unknown, after: unknown): string {
  const changes = changesBetween(before, after);
  if (format === 'yaml') {
    const doc = parseDocument(text);
    for (const c of changes) {
      if (c.value === undefined) doc.deleteIn(c.path);
      else if (c.insert) doc.addIn(c.path.slice(0, -1), doc.createNode(c.value));
      else doc.setIn(c.path, doc.createNode(c.value));
    }
    return doc.toString();
  }
  let out = text;
  for (const c of changes) {
    const edits = modify(out, c.path, c.value, { formattingOptions: JSON_FORMAT, ...(c.insert ? { isArrayInsertion: true } : {}) });
    out = applyEdits(out, edits);
  }
  return out;
}
