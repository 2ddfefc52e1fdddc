// A small bash lexer for tests: the script with comments and the insides of quotes blanked out, so injected text
// that stays data (quoted, or in a comment) vanishes and injected code shows up as extra code lines. Command
// substitutions inside double quotes ("$(...)") are code, so they are lexed like the top level.
export function shellCode(text: string): string {
  let i = 0;
  const n = text.length;
  const isBreak = (c: string) => c === ' ' || c === '\t' || c === '\n' || c === ';' || c === '(' || c === '&' || c === '|';

  /** Code until an unmatched ")" (inside $(...)) or the end; returns what is kept. */
  function code(inSub: boolean): string {
    let out = '';
    let depth = 0;
    let wordStart = true;
    while (i < n) {
      const c = text[i]!;
      if (c === "'") {
        const end = text.indexOf("'", i + 1);
        out += "''";
        i = end < 0 ? n : end + 1;
        wordStart = false;
      } else if (c === '"') {
        i++;
        out += '"' + dquoted() + '"';
        wordStart = false;
      } else if (c === '\\') {
        out += text.slice(i, i + 2).replace('\n', ' ');
        i += 2;
        wordStart = false;
      } else if (c === '#' && wordStart) {
        while (i < n && text[i] !== '\n') i++;
      } else {
        if (inSub && c === '(') depth++;
        if (inSub && c === ')' && depth-- === 0) return out;
        out += c;
        wordStart = isBreak(c);
        i++;
      }
    }
    return out;
  }

  /** Inside "...": text is dropped, $(...) is kept as code; stops after the closing quote. */
  function dquoted(): string {
    let out = '';
    while (i < n) {
      const c = text[i]!;
      if (c === '\\') i += 2;
      else if (c === '"') {
        i++;
        return out;
      } else if (c === '$' && text[i + 1] === '(') {
        i += 2;
        out += '$(' + code(true) + ')';
        i++;
      } else i++;
    }
    return out;
  }

  return code(false);
}

/** The non-blank code lines of a bash script (see shellCode). */
export function shellCodeLines(text: string): string[] {
  return shellCode(text)
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
}
