// A small line tokenizer for the script preview: PowerShell, bash, batch, JSON and Markdown. It only colours;
// it never interprets. The output is plain data that the viewer renders as text in React spans (no innerHTML),
// so nothing in a generated script can become markup. State carries across lines for block comments,
// here-strings and fenced code.
export type TokenType =
  | 'plain'
  | 'comment'
  | 'string'
  | 'keyword'
  | 'variable'
  | 'number'
  | 'command'
  | 'param'
  | 'operator'
  | 'heading'
  | 'code'
  | 'emphasis'
  | 'key';

export interface Token {
  type: TokenType;
  text: string;
}

export type Language = 'powershell' | 'bash' | 'batch' | 'json' | 'markdown' | 'plain';

export function languageOf(path: string, kind?: string): Language {
  if (kind === 'powershell' || /\.ps[dm]?1$/i.test(path)) return 'powershell';
  if (kind === 'bash' || /\.sh$/i.test(path)) return 'bash';
  if (kind === 'batch' || /\.(cmd|bat)$/i.test(path)) return 'batch';
  if (kind === 'arm-template' || /\.json$/i.test(path)) return 'json';
  if (/\.md$/i.test(path)) return 'markdown';
  return 'plain';
}

const PS_KEYWORDS = new Set(
  'begin break catch class continue data do dynamicparam else elseif end exit filter finally for foreach from function if in param process return switch throw trap try until using while'.split(' '),
);
const PS_OPERATORS = /^-(eq|ne|gt|ge|lt|le|like|notlike|match|notmatch|contains|notcontains|in|notin|and|or|not|xor|is|isnot|as|replace|split|join|f)\b/i;
const SH_KEYWORDS = new Set(
  'if then else elif fi case esac for while until do done in function return exit local export readonly set shift trap break continue'.split(' '),
);
const BAT_KEYWORDS = new Set('if else for in do goto call set setlocal endlocal echo exit not exist errorlevel defined'.split(' '));

type State = { mode: 'code' } | { mode: 'block-comment' } | { mode: 'here'; close: string } | { mode: 'fence' };

function push(out: Token[], type: TokenType, text: string): void {
  if (!text) return;
  const last = out[out.length - 1];
  if (last && last.type === type) last.text += text;
  else out.push({ type, text });
}

/** Scans a quoted string from `i` (at the quote); returns the index after the closing quote or the line end. */
function scanString(line: string, i: number, escape: string): number {
  const q = line[i];
  let j = i + 1;
  while (j < line.length) {
    if (line[j] === escape && escape !== q && j + 1 < line.length) j += 2;
    else if (line[j] === q) {
      if (q === "'" && escape === "'" && line[j + 1] === "'") j += 2;
      else return j + 1;
    } else j++;
  }
  return j;
}

function powershellLine(line: string, state: State, out: Token[]): State {
  let i = 0;
  if (state.mode === 'block-comment') {
    const end = line.indexOf('#>');
    if (end < 0) return push(out, 'comment', line), state;
    push(out, 'comment', line.slice(0, end + 2));
    i = end + 2;
  } else if (state.mode === 'here') {
    if (line.startsWith(state.close)) {
      push(out, 'string', state.close);
      i = state.close.length;
    } else return push(out, 'string', line), state;
  }
  let atCommand = /^\s*$/.test(line.slice(0, i));
  while (i < line.length) {
    const rest = line.slice(i);
    const c = line[i]!;
    let m: RegExpExecArray | null;
    if (rest.startsWith('<#')) {
      const end = line.indexOf('#>', i + 2);
      if (end < 0) return push(out, 'comment', rest), { mode: 'block-comment' };
      push(out, 'comment', line.slice(i, end + 2));
      i = end + 2;
    } else if (c === '#') {
      push(out, 'comment', rest);
      break;
    } else if ((m = /^@(["'])\s*$/.exec(rest))) {
      push(out, 'string', rest);
      return { mode: 'here', close: `${m[1]}@` };
    } else if (c === '"' || c === "'") {
      const j = scanString(line, i, c === '"' ? '`' : "'");
      push(out, 'string', line.slice(i, j));
      i = j;
      atCommand = false;
    } else if ((m = /^\$(\{[^}]*\}|[A-Za-z_][\w:]*|[?^$_])/.exec(rest))) {
      push(out, 'variable', m[0]);
      i += m[0].length;
      atCommand = false;
    } else if ((m = PS_OPERATORS.exec(rest)) && !/\w/.test(line[i - 1] ?? '')) {
      push(out, 'operator', m[0]);
      i += m[0].length;
    } else if ((m = /^-[A-Za-z][\w]*/.exec(rest)) && !/\w/.test(line[i - 1] ?? '')) {
      push(out, 'param', m[0]);
      i += m[0].length;
    } else if ((m = /^[A-Za-z]+-[A-Za-z][\w]*/.exec(rest)) && !/[\w.$-]/.test(line[i - 1] ?? '')) {
      push(out, 'command', m[0]);
      i += m[0].length;
      atCommand = false;
    } else if ((m = /^[A-Za-z_][\w]*/.exec(rest))) {
      push(out, PS_KEYWORDS.has(m[0].toLowerCase()) && (atCommand || /[\s({;]$/.test(line.slice(0, i)) || i === 0) ? 'keyword' : 'plain', m[0]);
      i += m[0].length;
      atCommand = false;
    } else if ((m = /^\d+(\.\d+)?([kmgtp]b)?\b/i.exec(rest)) && !/\w/.test(line[i - 1] ?? '')) {
      push(out, 'number', m[0]);
      i += m[0].length;
    } else {
      push(out, 'plain', c);
      if (c === '|' || c === ';' || c === '{' || c === '(') atCommand = true;
      i++;
    }
  }
  return { mode: 'code' };
}

function bashLine(line: string, state: State, out: Token[], keywords: Set<string>, batch: boolean): State {
  if (state.mode === 'here') {
    push(out, 'string', line);
    return line.trim() === state.close ? { mode: 'code' } : state;
  }
  let i = 0;
  let next: State = { mode: 'code' };
  if (batch && /^\s*(rem\b|::)/i.test(line)) return push(out, 'comment', line), next;
  while (i < line.length) {
    const rest = line.slice(i);
    const c = line[i]!;
    let m: RegExpExecArray | null;
    if (!batch && c === '#' && (i === 0 || /\s/.test(line[i - 1]!))) {
      push(out, 'comment', rest);
      break;
    } else if (!batch && (m = /^<<-?\s*['"]?([A-Za-z_]\w*)['"]?/.exec(rest))) {
      push(out, 'operator', m[0]);
      next = { mode: 'here', close: m[1]! };
      i += m[0].length;
    } else if (c === '"' || (c === "'" && !batch)) {
      const j = scanString(line, i, c === '"' && !batch ? '\\' : c);
      push(out, 'string', line.slice(i, j));
      i = j;
    } else if ((m = batch ? /^%[~\w]+%?|^![\w]+!/.exec(rest) : /^\$(\{[^}]*\}|[A-Za-z_]\w*|[0-9?#@*$!-])/.exec(rest))) {
      push(out, 'variable', m[0]);
      i += m[0].length;
    } else if ((m = /^--?[A-Za-z][\w-]*/.exec(rest)) && /\s/.test(line[i - 1] ?? ' ')) {
      push(out, 'param', m[0]);
      i += m[0].length;
    } else if ((m = /^[A-Za-z_][\w.-]*/.exec(rest))) {
      push(out, keywords.has(batch ? m[0].toLowerCase() : m[0]) ? 'keyword' : 'plain', m[0]);
      i += m[0].length;
    } else if ((m = /^\d+\b/.exec(rest)) && !/\w/.test(line[i - 1] ?? '')) {
      push(out, 'number', m[0]);
      i += m[0].length;
    } else {
      push(out, /[|&;<>]/.test(c) ? 'operator' : 'plain', c);
      i++;
    }
  }
  return next;
}

function jsonLine(line: string, out: Token[]): void {
  let i = 0;
  while (i < line.length) {
    const rest = line.slice(i);
    let m: RegExpExecArray | null;
    if (line[i] === '"') {
      const j = scanString(line, i, '\\');
      const isKey = /^\s*:/.test(line.slice(j));
      push(out, isKey ? 'key' : 'string', line.slice(i, j));
      i = j;
    } else if ((m = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(rest))) {
      push(out, 'number', m[0]);
      i += m[0].length;
    } else if ((m = /^(true|false|null)\b/.exec(rest))) {
      push(out, 'keyword', m[0]);
      i += m[0].length;
    } else {
      push(out, 'plain', line[i]!);
      i++;
    }
  }
}

function markdownLine(line: string, state: State, out: Token[]): State {
  if (/^\s*```/.test(line)) {
    push(out, 'code', line);
    return state.mode === 'fence' ? { mode: 'code' } : { mode: 'fence' };
  }
  if (state.mode === 'fence') return push(out, 'code', line), state;
  if (/^#{1,6}\s/.test(line)) return push(out, 'heading', line), state;
  const re = /(`[^`]+`)|(\*\*[^*]+\*\*)/g;
  let last = 0;
  for (let m = re.exec(line); m; m = re.exec(line)) {
    push(out, 'plain', line.slice(last, m.index));
    push(out, m[1] ? 'code' : 'emphasis', m[0]);
    last = m.index + m[0].length;
  }
  push(out, 'plain', line.slice(last));
  return state;
}

/** One token list per line of `text`. Joining every token's text per line gives the line back exactly. */
export function tokenize(text: string, lang: Language): Token[][] {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  let state: State = { mode: 'code' };
  return lines.map((line) => {
    const out: Token[] = [];
    if (lang === 'powershell') state = powershellLine(line, state, out);
    else if (lang === 'bash') state = bashLine(line, state, out, SH_KEYWORDS, false);
    else if (lang === 'batch') state = bashLine(line, state, out, BAT_KEYWORDS, true);
    else if (lang === 'json') jsonLine(line, out);
    else if (lang === 'markdown') state = markdownLine(line, state, out);
    else push(out, 'plain', line);
    return out;
  });
}
