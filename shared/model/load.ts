// Text → validated workspace, with every problem located (file, line, column, path) and paired with a fix.
// Pure: the host reads the bytes, this decides what they mean. JSON goes through jsonc-parser and YAML through
// `yaml` because both keep offsets, so a schema error or a lint finding can point at the exact line.
import {
  parseTree,
  findNodeAtLocation,
  printParseErrorCode,
  type Node as JsonNode,
  type ParseError,
} from 'jsonc-parser';
import { LineCounter, parseDocument, isNode, isMap, isSeq, isPair, isScalar, type Document as YamlDocument } from 'yaml';
import type { z } from 'zod';
import { Workspace, CURRENT_SCHEMA_VERSION } from './schema';
import { migrate } from './migrate';
import { formatPath, type DocPath } from './path';

export type SourceFormat = 'json' | 'yaml';

export interface Position {
  line: number; // 1-based
  column: number; // 1-based
}

export interface LoadProblem {
  file: string;
  kind: 'io' | 'syntax' | 'version' | 'schema';
  message: string;
  path?: string;
  position?: Position;
  expected?: string;
  got?: string;
  fix: string;
}

/** A parsed document that can answer "where is this path?" for error messages and the editor. */
export interface SourceMap {
  readonly format: SourceFormat;
  locate(path: DocPath): Position | undefined;
}

export type LoadResult =
  | { ok: true; workspace: Workspace; source: SourceMap; migrated: string[] }
  | { ok: false; problems: LoadProblem[]; source?: SourceMap };

/**
 * The largest workspace file read: a 10,000-host estate is ~11 MiB of JSON. Parsing keeps a syntax tree with offsets
 * for every value (for located errors), ~22 bytes of memory per byte of text: a file at the cap peaks near 400 MiB
 * resident, inside the stated bound of 512 MiB (bench/load.bench.ts measures it). A 30 MB file used to take 1.6 GB.
 */
export const MAX_WORKSPACE_BYTES = 16 * 1024 * 1024;
/** Objects and arrays nested deeper than this are refused: the schema itself is 7 levels deep. */
export const MAX_NESTING = 64;
/** YAML aliases (*name) resolved per document, weighted by what each one copies, as the yaml library counts them. */
export const MAX_YAML_ALIASES = 1000;
/** Keys that name Object.prototype machinery: never data, and harmful if a consumer assigns them. */
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export function tooLargeProblem(file: string, size: number): LoadProblem {
  return {
    file,
    kind: 'syntax',
    message: `the file is ${(size / 1048576).toFixed(1)} MiB; a workspace may be at most ${MAX_WORKSPACE_BYTES / 1048576} MiB`,
    fix: 'split the estate into several workspaces, or remove what it does not need (generated or pasted data)',
  };
}

/** Offset of the first byte that is not well-formed UTF-8 (RFC 3629: no overlongs, surrogates or > U+10FFFF). */
export function invalidUtf8Offset(b: Uint8Array): number | undefined {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    let n: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) n = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      if (c === 0xe0) lo = 0xa0;
      if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      if (c === 0xf0) lo = 0x90;
      if (c === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= n; k++) {
      const d = b[i + k];
      if (d === undefined) return i;
      if (k === 1 ? d < lo || d > hi : d < 0x80 || d > 0xbf) return i;
    }
    i += n + 1;
  }
  return undefined;
}

/**
 * The bytes of a workspace file → validated workspace. Checks the size before anything else and refuses invalid
 * UTF-8 (a decoder would silently turn it into U+FFFD, which then flows into scripts); a UTF-8 BOM is allowed.
 */
export function loadWorkspaceBytes(bytes: Uint8Array, file: string, format: SourceFormat = formatFromName(file)): LoadResult {
  if (bytes.length > MAX_WORKSPACE_BYTES) return { ok: false, problems: [tooLargeProblem(file, bytes.length)] };
  const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  const bad = invalidUtf8Offset(body);
  if (bad !== undefined) {
    const offset = bad + (body === bytes ? 0 : 3);
    let line = 1;
    let start = 0;
    for (let i = 0; i < bad; i++)
      if (body[i] === 10) {
        line++;
        start = i + 1;
      }
    const column = new TextDecoder().decode(body.subarray(start, bad)).length + 1;
    return {
      ok: false,
      problems: [
        {
          file,
          kind: 'syntax',
          message: `not valid UTF-8 at byte offset ${offset} (byte 0x${bytes[offset]!.toString(16).padStart(2, '0')})`,
          position: { line, column },
          fix: 'save the file as UTF-8 (most editors: "Save with encoding" > UTF-8), then check the text at that place',
        },
      ],
    };
  }
  return loadWorkspace(new TextDecoder().decode(body), file, format);
}

export function formatFromName(fileName: string): SourceFormat {
  return /\.ya?ml$/i.test(fileName) ? 'yaml' : 'json';
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

function offsetToPosition(starts: number[], offset: number): Position {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] ?? 0) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - (starts[lo] ?? 0) + 1 };
}

/** Walk up the path until something exists: a missing property is reported at its parent object. */
function nearest<T>(path: DocPath, find: (p: DocPath) => T | undefined): T | undefined {
  for (let n = path.length; n >= 0; n--) {
    const hit = find(path.slice(0, n));
    if (hit !== undefined) return hit;
  }
  return undefined;
}

function parseJson(
  text: string,
  file: string,
): { value?: unknown; source: SourceMap; problems: LoadProblem[] } {
  const starts = lineStarts(text);
  // Checked before parsing: the parser and every later walk recurse once per level.
  const deep = jsonTooDeep(text);
  if (deep !== undefined)
    return {
      source: { format: 'json', locate: () => undefined },
      problems: [nestingProblem(file, offsetToPosition(starts, deep))],
    };
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, { allowTrailingComma: false, disallowComments: true });
  const source: SourceMap = {
    format: 'json',
    locate: (path) => {
      if (!tree) return undefined;
      const node = nearest<JsonNode>(path, (p) => findNodeAtLocation(tree, [...p]));
      // For a property value, point at the key: that is where the reader's eye goes.
      const at = node?.parent?.type === 'property' ? node.parent : node;
      return at ? offsetToPosition(starts, at.offset) : undefined;
    },
  };
  const problems = errors.map<LoadProblem>((e) => ({
    file,
    kind: 'syntax',
    message: `invalid JSON: ${humanJsonError(printParseErrorCode(e.error))}`,
    position: offsetToPosition(starts, e.offset),
    fix: 'correct the JSON at that position (a missing comma, quote or bracket is the usual cause)',
  }));
  if (problems.length || !tree) return { source, problems };
  const at = (offset: number) => offsetToPosition(starts, offset);
  const value = nodeValue(tree, (message, offset, fix) => problems.push({ file, kind: 'syntax', message, position: at(offset), fix }), text, at);
  return problems.length ? { source, problems } : { value, source, problems };
}

type Complain = (message: string, offset: number, fix: string) => void;

/** Offset of the first bracket nested deeper than MAX_NESTING, skipping strings; undefined when within it. */
function jsonTooDeep(text: string): number | undefined {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x22) break;
      }
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > MAX_NESTING) return i;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return undefined;
}

function nestingProblem(file: string, position?: Position): LoadProblem {
  return {
    file,
    kind: 'syntax',
    message: `objects and arrays are nested deeper than ${MAX_NESTING} levels`,
    ...(position ? { position } : {}),
    fix: 'a workspace is at most a few levels deep: look for a run of brackets (or indentation) that does not belong',
  };
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const SURROGATE_FIX = 'remove the \\uD8xx/\\uDCxx escape, or complete the pair (a high surrogate followed by a low one)';

/** Reserved names, lone surrogates and numbers beyond a double, found while building the value. */
function nodeValue(node: JsonNode, complain: Complain, text: string, at: (offset: number) => Position): unknown {
  switch (node.type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      const seen = new Map<string, number>();
      for (const prop of node.children ?? []) {
        const [k, v] = prop.children ?? [];
        if (!k || !v) continue;
        const key = String(k.value);
        if (RESERVED_KEYS.has(key)) {
          complain(`the key "${key}" is not allowed`, k.offset, `remove "${key}": it is not a workspace property, and some tools treat it as code`);
          continue;
        }
        if (LONE_SURROGATE.test(key)) complain('a key holds a lone UTF-16 surrogate escape', k.offset, SURROGATE_FIX);
        const first = seen.get(key);
        if (first !== undefined) {
          const p = at(first);
          complain(`the key "${key}" appears twice in one object (first at line ${p.line}, column ${p.column})`, k.offset, 'keep one of them: JSON readers disagree on which one wins');
          continue;
        }
        seen.set(key, k.offset);
        out[key] = nodeValue(v, complain, text, at);
      }
      return out;
    }
    case 'array':
      return (node.children ?? []).map((c) => nodeValue(c, complain, text, at));
    case 'number':
      if (!Number.isFinite(node.value))
        complain(`the number ${text.slice(node.offset, node.offset + node.length)} is too large to represent`, node.offset, 'write a number within ±1.7e308 (the values in a workspace are far smaller)');
      return node.value;
    case 'string':
      if (LONE_SURROGATE.test(node.value as string))
        complain('the string holds a lone UTF-16 surrogate escape', node.offset, SURROGATE_FIX);
      return node.value;
    default:
      return node.value;
  }
}

function humanJsonError(code: string): string {
  const words: Record<string, string> = {
    InvalidSymbol: 'unexpected character',
    InvalidNumberFormat: 'malformed number',
    PropertyNameExpected: 'expected a property name in double quotes',
    ValueExpected: 'expected a value',
    ColonExpected: 'expected ":"',
    CommaExpected: 'expected ","',
    CloseBraceExpected: 'expected "}"',
    CloseBracketExpected: 'expected "]"',
    EndOfFileExpected: 'unexpected text after the end of the document',
    InvalidCommentToken: 'comments are not allowed in JSON',
    UnexpectedEndOfComment: 'unterminated comment',
    UnexpectedEndOfString: 'unterminated string',
    UnexpectedEndOfNumber: 'unterminated number',
    InvalidUnicode: 'invalid unicode escape',
    InvalidEscapeCharacter: 'invalid escape character',
    InvalidCharacter: 'invalid character in string',
  };
  return words[code] ?? code;
}

function parseYaml(
  text: string,
  file: string,
): { value?: unknown; source: SourceMap; problems: LoadProblem[] } {
  const lineCounter = new LineCounter();
  const noMap: SourceMap = { format: 'yaml', locate: () => undefined };
  let doc: YamlDocument;
  try {
    // Duplicate keys are found below, where both places are known.
    doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  } catch (e) {
    if (e instanceof RangeError) return { source: noMap, problems: [nestingProblem(file)] };
    throw e;
  }
  const source: SourceMap = {
    format: 'yaml',
    locate: (path) =>
      nearest(path, (p) => {
        const node = p.length === 0 ? doc.contents : doc.getIn([...p], true);
        if (!isNode(node) || !node.range) return undefined;
        const pos = lineCounter.linePos(node.range[0]);
        return { line: pos.line, column: pos.col };
      }),
  };
  // The yaml library turns a stack overflow while composing into a document error: that is nesting, not syntax.
  if (doc.errors.some((e) => /call stack/i.test(e.message))) return { source: noMap, problems: [nestingProblem(file)] };
  const problems = doc.errors.map<LoadProblem>((e) => {
    const pos = lineCounter.linePos(e.pos[0]);
    return {
      file,
      kind: 'syntax',
      message: `invalid YAML: ${e.message.split('\n')[0]}`,
      position: { line: pos.line, column: pos.col },
      fix: 'correct the YAML at that position (indentation and a missing ": " are the usual causes)',
    };
  });
  if (problems.length) return { source, problems };
  const pos = (offset: number): Position => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };
  yamlChecks(doc.contents, 1, (message, offset, fix) => problems.push({ file, kind: 'syntax', message, position: pos(offset), fix }), pos);
  if (problems.length) return { source, problems };
  try {
    return { value: doc.toJS({ maxAliasCount: MAX_YAML_ALIASES }), source, problems };
  } catch (e) {
    if (!(e instanceof ReferenceError) && !(e instanceof RangeError)) throw e;
    return {
      source,
      problems: [
        {
          file,
          kind: 'syntax',
          message: `the YAML aliases (*name) expand to more than ${MAX_YAML_ALIASES} copies: ${e.message}`,
          fix: 'write the repeated values out, or use fewer aliases of large anchors (&name)',
        },
      ],
    };
  }
}

/** The same checks as the JSON walk, on the YAML syntax tree (aliases are not followed: their anchor is checked). */
function yamlChecks(node: unknown, depth: number, complain: Complain, pos: (offset: number) => Position): void {
  if (isMap(node) || isSeq(node)) {
    if (depth > MAX_NESTING) {
      complain(`objects and arrays are nested deeper than ${MAX_NESTING} levels`, node.range?.[0] ?? 0, nestingProblem('').fix);
      return;
    }
    const seen = new Map<string, number>();
    for (const item of node.items) {
      if (isPair(item)) {
        const k = item.key;
        const off = isNode(k) ? (k.range?.[0] ?? 0) : 0;
        const key = isScalar(k) ? String(k.value) : undefined;
        if (key !== undefined) {
          if (RESERVED_KEYS.has(key)) {
            complain(`the key "${key}" is not allowed`, off, `remove "${key}": it is not a workspace property, and some tools treat it as code`);
            continue;
          }
          const first = seen.get(key);
          if (first !== undefined) {
            const p = pos(first);
            complain(`the key "${key}" appears twice in one mapping (first at line ${p.line}, column ${p.column})`, off, 'keep one of them');
            continue;
          }
          seen.set(key, off);
        }
        yamlChecks(k, depth + 1, complain, pos);
        yamlChecks(item.value, depth + 1, complain, pos);
      } else yamlChecks(item, depth + 1, complain, pos);
    }
  } else if (isScalar(node)) {
    const off = node.range?.[0] ?? 0;
    if (typeof node.value === 'number' && !Number.isFinite(node.value))
      complain(`the number ${String(node.source ?? node.value)} is too large to represent`, off, 'write a number within ±1.7e308 (the values in a workspace are far smaller)');
    if (typeof node.value === 'string' && LONE_SURROGATE.test(node.value))
      complain('the string holds a lone UTF-16 surrogate escape', off, SURROGATE_FIX);
  }
}

function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v === 'object') return 'an object';
  const s = JSON.stringify(v);
  return `${typeof v} ${s.length > 60 ? s.slice(0, 57) + '...' : s}`;
}

function valueAt(doc: unknown, path: DocPath): unknown {
  let cur: unknown = doc;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[seg];
  }
  return cur;
}

function issueToProblem(issue: z.core.$ZodIssue, file: string, raw: unknown, source: SourceMap): LoadProblem {
  const path = issue.path.filter((s): s is string | number => typeof s !== 'symbol');
  const got = valueAt(raw, path);
  const base = { file, kind: 'schema' as const, path: formatPath(path), position: source.locate(path) };
  switch (issue.code) {
    case 'invalid_type':
      return {
        ...base,
        message: got === undefined ? `missing required ${issue.expected}` : `expected ${issue.expected}`,
        expected: issue.expected,
        got: describeValue(got),
        fix:
          got === undefined
            ? `add ${formatPath(path)} (${issue.expected})`
            : `change it to ${issue.expected}`,
      };
    case 'unrecognized_keys':
      return {
        ...base,
        // Keys quoted as JSON: a key is workspace text too, and may hold a line break or an escape sequence.
        message: `unknown propert${issue.keys.length > 1 ? 'ies' : 'y'} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`,
        expected: 'only the properties the schema lists',
        got: issue.keys.map((k) => JSON.stringify(k)).join(', '),
        fix: `remove or rename ${issue.keys.map((k) => JSON.stringify(k)).join(', ')} (check the spelling; \`junction schema\` lists the allowed names)`,
      };
    case 'invalid_value':
      return {
        ...base,
        message: `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`,
        expected: issue.values.map((v) => JSON.stringify(v)).join(' | '),
        got: describeValue(got),
        fix: `use one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`,
      };
    case 'too_small':
    case 'too_big':
      return {
        ...base,
        message: issue.message,
        got: describeValue(got),
        fix: `adjust the value: ${issue.message}`,
      };
    case 'custom':
      return { ...base, message: issue.message, got: describeValue(got), fix: String((issue.params as { fix?: string } | undefined)?.fix ?? 'correct the value') };
    default:
      return {
        ...base,
        message: issue.message,
        got: describeValue(got),
        fix: issue.message.startsWith('Invalid')
          ? 'correct the value'
          : `make it ${issue.message.replace(/^expected /i, '')}`,
      };
  }
}

/** Parse, migrate and validate a workspace document. Never throws for bad input. */
export function loadWorkspace(
  text: string,
  file: string,
  format: SourceFormat = formatFromName(file),
): LoadResult {
  // Characters, not bytes: never more than the bytes, so a text under the cap was a file under it too.
  if (text.length > MAX_WORKSPACE_BYTES) return { ok: false, problems: [tooLargeProblem(file, text.length)] };
  const parsed = format === 'yaml' ? parseYaml(text, file) : parseJson(text, file);
  if (parsed.problems.length) return { ok: false, problems: parsed.problems, source: parsed.source };
  const raw = parsed.value;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return {
      ok: false,
      source: parsed.source,
      problems: [
        {
          file,
          kind: 'schema',
          message: 'a workspace must be an object at the top level',
          path: '$',
          got: describeValue(raw),
          fix: `start from examples/contoso-hybrid.junction.json or \`junction init\`; the top level needs "schemaVersion": ${CURRENT_SCHEMA_VERSION}`,
        },
      ],
    };
  }
  const m = migrate(raw as Record<string, unknown>);
  if (!m.ok) {
    return {
      ok: false,
      source: parsed.source,
      problems: [
        {
          file,
          kind: 'version',
          message: m.message,
          path: '$.schemaVersion',
          position: parsed.source.locate(['schemaVersion']),
          fix: m.fix,
        },
      ],
    };
  }
  const result = Workspace.safeParse(m.doc);
  if (!result.success) {
    return {
      ok: false,
      source: parsed.source,
      problems: result.error.issues.map((i) => issueToProblem(i, file, m.doc, parsed.source)),
    };
  }
  return { ok: true, workspace: result.data, source: parsed.source, migrated: m.applied };
}

export function formatProblem(p: LoadProblem): string {
  const where = p.position ? `${p.file}:${p.position.line}:${p.position.column}` : p.file;
  const label = p.kind === 'io' ? 'error' : `${p.kind} error`;
  const lines = [`${where}: ${label}${p.path ? ` at ${p.path}` : ''}: ${p.message}`];
  if (p.expected !== undefined || p.got !== undefined) {
    lines.push(`  expected: ${p.expected ?? '(see message)'}; got: ${p.got ?? 'nothing'}`);
  }
  lines.push(`  fix: ${p.fix}`);
  return lines.join('\n');
}
