// Parses generated PowerShell with the tree-sitter grammar and reports syntax errors, unknown commands and
// unknown parameters against shared/generate/catalog.ts.
import { fileURLToPath } from 'node:url';
import { Parser, Language, type Node } from 'web-tree-sitter';
import { catalogEntry } from '../../shared/generate/catalog';

const WASM = fileURLToPath(new URL('../../node_modules/tree-sitter-powershell/tree-sitter-powershell.wasm', import.meta.url));
let parser: Parser | undefined;

export async function psParser(): Promise<Parser> {
  if (parser) return parser;
  await Parser.init();
  const lang = await Language.load(WASM);
  parser = new Parser();
  parser.setLanguage(lang);
  return parser;
}

export interface PsCommand {
  name: string;
  params: string[];
  /** Bare words before the first parameter (external command contexts). */
  words: string[];
  node: Node;
}

function walk(n: Node, f: (n: Node) => void): void {
  f(n);
  for (const c of n.children) if (c) walk(c, f);
}

export async function parsePs(text: string): Promise<{ errors: string[]; commands: PsCommand[]; root: Node }> {
  const p = await psParser();
  const tree = p.parse(text);
  if (!tree) throw new Error('tree-sitter returned no tree');
  const errors: string[] = [];
  const commands: PsCommand[] = [];
  walk(tree.rootNode, (n) => {
    if (n.type === 'ERROR' || n.isMissing) errors.push(`${n.isMissing ? 'MISSING' : 'ERROR'} at ${n.startPosition.row + 1}:${n.startPosition.column + 1}: ${n.text.slice(0, 80)}`);
    if (n.type === 'command') {
      let name = '';
      walk(n, (d) => {
        if (!name && d.type === 'command_name') name = d.text;
      });
      const elements = n.children.find((c) => c?.type === 'command_elements');
      const params: string[] = [];
      const words: string[] = [];
      let sawParam = false;
      for (const e of elements?.children ?? []) {
        if (!e) continue;
        if (e.type === 'command_parameter') {
          sawParam = true;
          params.push(e.text.replace(/:$/, ''));
        } else if (e.type === 'generic_token' && !sawParam) words.push(e.text);
      }
      commands.push({ name, params, words, node: n });
    }
  });
  return { errors, commands, root: tree.rootNode };
}

/** `source`: the script text, to check the keys of hashtables splatted into a command (@name). */
export function catalogProblems(commands: PsCommand[], source = ''): string[] {
  const out: string[] = [];
  for (const c of commands) {
    const e = catalogEntry(c.name);
    if (!e) {
      out.push(`command not in catalog: ${c.name}`);
      continue;
    }
    for (const p of c.params) if (!e.params.some((q) => q.toLowerCase() === p.toLowerCase())) out.push(`${c.name}: parameter ${p} not in catalog`);
    const given = new Set(c.params.map((p) => p.toLowerCase()));
    for (const m of c.node.text.matchAll(/\s@([A-Za-z]\w*)/g)) {
      const decl = new RegExp(`\\$${m[1]} = @\\{([^}]*)\\}`).exec(source);
      if (!decl) out.push(`${c.name}: splatted @${m[1]} has no hashtable in the script`);
      for (const k of decl?.[1]!.matchAll(/([A-Za-z0-9]+)\s*=/g) ?? []) {
        given.add(`-${k[1]!.toLowerCase()}`);
        if (!e.params.some((q) => q.toLowerCase() === `-${k[1]!.toLowerCase()}`)) out.push(`${c.name}: splatted parameter -${k[1]} not in catalog`);
      }
    }
    if (e.required && !e.required.some((set) => set.every((p) => given.has(p.toLowerCase()))))
      out.push(`${c.name}: needs ${e.required.map((set) => set.join(' ')).join(' or ')} (PowerShell would stop to prompt)`);
    if (e.usages && !e.usages.some((u) => c.words.join(' ').toLowerCase().startsWith(u.toLowerCase())))
      out.push(`${c.name}: usage "${c.words.join(' ')}" not in catalog (${e.usages.join(' | ')})`);
  }
  return out;
}
