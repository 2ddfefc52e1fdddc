// Escaping for every output language the generators write, in one place. Workspace text reaches a script only
// through these (PowerShell's psq and bash's shq live beside their renderers in ps.ts and sh.ts and use oneLine
// for comments). The loader already rejects control characters; these hold even when text gets past it (an API
// caller, a future field), because a generated script runs as Administrator or root and the bundle vouches for it.
import type { DocPath } from '../model/path';
import { formatPath } from '../model/path';

/** C0 and C1 controls, DEL, and the Unicode line and paragraph separators: anything that can end or hide a line. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
// eslint-disable-next-line no-control-regex -- as above
const CONTROL_CHARS_G = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/**
 * Text that stays on its line: each control character becomes a visible \xNN / \uNNNN, so a comment or a one-line
 * message shows what was there instead of breaking the line (or hiding a carriage return).
 */
export function oneLine(s: string): string {
  if (!CONTROL_CHARS.test(s)) return s;
  return s.replace(CONTROL_CHARS_G, (c) => {
    const n = c.charCodeAt(0);
    return n <= 0xff ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u${n.toString(16).padStart(4, '0')}`;
  });
}

/** Text inside a bash `#` comment: a comment ends only at a line break, so one line is enough. */
export function shComment(s: string): string {
  return oneLine(s);
}

/**
 * Text for a cmd.exe batch `rem` line. cmd expands %VAR% even in a rem line and a trailing ^ joins the next line,
 * and the quoting rules of `rem` differ between cmd versions, so every character cmd acts on becomes "_" rather than
 * being escaped: a comment does not need them.
 */
export function batchRem(s: string): string {
  return oneLine(s).replace(/[%!^&|<>"\\]/g, '_');
}

/**
 * Text in Markdown prose (a heading, a list item, a table cell, a quote): HTML and Markdown syntax are shown as
 * written rather than rendered, and a line break cannot start a new block.
 */
// eslint-disable-next-line no-control-regex -- control characters are among what mdText must handle
const MD_SPECIAL = /[\\`*[\]|<&\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const MD_BLOCK_START = /^(?:[#>+=-]|\d+[.)])/;

export function mdText(s: string): string {
  // Only what can open markup: "<" (HTML), "&" before an entity name, "[" "]" (links, images), "`" (code spans),
  // "*" (emphasis), "|" (a table cell), a backslash that would escape the next character, and block syntax
  // (#, >, -, +, =, "1.") at the start. Everything else stays as typed, so the file reads the same in Notepad.
  // Most titles and notes hold none of it: returned as they are, without five regex passes (80,000 texts at 10,000 hosts).
  if (!MD_SPECIAL.test(s) && !MD_BLOCK_START.test(s)) return s;
  return oneLine(s)
    .replace(/\\(?=[!-/:-@[-`{-~])/g, '\\\\')
    .replace(/[`*[\]|]/g, '\\$&')
    .replace(/&(?=#|[A-Za-z][A-Za-z0-9]*;)/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/^(?=[#>+=-])/, '\\')
    .replace(/^(\d+)([.)])/, '$1\\$2');
}

/** A fence for a Markdown code block holding these lines: longer than any run of backticks inside them. */
export function mdFence(lines: readonly string[]): string {
  let longest = 0;
  for (const l of lines) for (const m of l.matchAll(/`+/g)) longest = Math.max(longest, m[0].length);
  return '`'.repeat(Math.max(3, longest + 1));
}

/** A string inside an ARM template expression ('...' doubled quotes). */
export function armExprString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/**
 * A literal JSON string value of an ARM template: one that starts with "[" and ends with "]" would be evaluated
 * as a template expression, so it gets the documented "[[" escape.
 */
export function armLiteral(s: string): string {
  return s.startsWith('[') && s.endsWith(']') ? `[${s}` : s;
}

/** One refusal reason, with the place in the workspace document that causes it. */
export interface UnsafeFinding {
  message: string;
  path: DocPath;
  fix: string;
  ruleId?: string;
}

/**
 * The generators refuse a workspace whose output would be unsafe or wrong (a dangling reference, an invalid
 * prefix, a name that cannot be a file name). Typed so every caller (CLI generate, bundle build, the console)
 * maps it to bad input (exit 2) with the locations, whatever lint override is in force.
 */
export class UnsafeWorkspaceError extends Error {
  readonly findings: readonly UnsafeFinding[];
  constructor(findings: readonly UnsafeFinding[]) {
    const lines = findings.map((f) => `${formatPath(f.path)}: ${oneLine(f.message)}`);
    super(`the workspace cannot be turned into scripts safely:\n  ${lines.join('\n  ')}`);
    this.name = 'UnsafeWorkspaceError';
    this.findings = findings;
  }
}

/** Letters, digits, ".", "_" and "-", starting with a letter or digit: the same on Windows, Linux and FAT. */
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/;
/** Device names Windows reserves in every folder, with or without an extension. */
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\.|$)/i;

/** Whether a name can be used as one file or folder name as it is. */
export function isSafeName(name: string): boolean {
  // Starting with a letter or digit rules out "." and ".."; a trailing dot is dropped by Windows (two names, one file).
  return SAFE_NAME.test(name) && !WINDOWS_DEVICE.test(name) && !name.endsWith('.');
}

/**
 * The one gate for workspace text that becomes (part of) a file or folder name: returned unchanged when it is in
 * the safe set, refused (with its place in the workspace) when not. Never rewritten: two different names must not
 * become one file.
 */
export function safeName(name: string, path: DocPath): string {
  if (isSafeName(name)) return name;
  throw new UnsafeWorkspaceError([
    {
      message: `"${name}" is used as a file or folder name, but is not one: only letters, digits, ".", "_" and "-" (starting with a letter or digit, not ending with ".", at most 80 characters, not a Windows device name such as CON or NUL) are allowed`,
      path,
      fix: 'rename it within that set (Azure and Windows names allow it too)',
    },
  ]);
}
