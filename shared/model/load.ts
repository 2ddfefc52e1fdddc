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
import { LineCounter, parseDocument, isNode, type Document as YamlDocument } from 'yaml';
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
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, { allowTrailingComma: false, disallowComments: true });
  const starts = lineStarts(text);
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
  return { value: nodeValue(tree), source, problems };
}

function nodeValue(node: JsonNode): unknown {
  switch (node.type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const prop of node.children ?? []) {
        const [k, v] = prop.children ?? [];
        if (k && v) out[String(k.value)] = nodeValue(v);
      }
      return out;
    }
    case 'array':
      return (node.children ?? []).map(nodeValue);
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
  const doc: YamlDocument = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
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
  return { value: doc.toJS({ maxAliasCount: 100 }), source, problems };
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
        message: `unknown propert${issue.keys.length > 1 ? 'ies' : 'y'} ${issue.keys.map((k) => `"${k}"`).join(', ')}`,
        expected: 'only the properties the schema lists',
        got: issue.keys.join(', '),
        fix: `remove or rename ${issue.keys.join(', ')} (check the spelling; \`junction schema\` lists the allowed names)`,
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
