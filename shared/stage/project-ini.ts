// What a CycleCloud project says it needs. project.ini lists project blobs in `[blobs]` / `[[blobs name]]`
// sections (Files = a, b, c; Python ConfigParser syntax, so values may continue on indented lines), and spec
// scripts fetch blobs at node start with `jetpack download <name>` or the Chef `jetpack_download "<name>"`.
// A blob named in either place but absent from the release is the failure seed 002 warns about: the node
// stops in the staging phase, on the far side, where nobody can fetch it any more.

export interface BlobReference {
  blob: string;
  /** File inside the project (e.g. "project.ini", "specs/default/cluster-init/scripts/00-install.sh"). */
  file: string;
  line: number;
  via: 'project.ini' | 'jetpack-download';
}

export interface IniProblem {
  file: string;
  line: number;
  message: string;
  fix: string;
}

export interface ProjectIni {
  name?: string;
  version?: string;
  type?: string;
  specs: string[];
  blobs: BlobReference[];
  problems: IniProblem[];
}

interface Section {
  header: string;
  line: number;
  entries: Map<string, { value: string; line: number; parts: { text: string; line: number }[] }>;
}

function parseSections(text: string, file: string, problems: IniProblem[]): Section[] {
  const sections: Section[] = [];
  let current: Section | undefined;
  let lastKey: string | undefined;
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = i + 1;
    if (/^\s*([#;].*)?$/.test(raw)) return;
    const header = /^\s*\[+\s*([^\]]+?)\s*\]+\s*$/.exec(raw);
    if (header) {
      current = { header: header[1]!.trim(), line, entries: new Map() };
      sections.push(current);
      lastKey = undefined;
      return;
    }
    if (/^\s/.test(raw) && current && lastKey !== undefined) {
      const prev = current.entries.get(lastKey)!;
      prev.value += ' ' + raw.trim();
      prev.parts.push({ text: raw.trim(), line });
      return;
    }
    const kv = /^\s*([^=:]+?)\s*[=:]\s*(.*)$/.exec(raw);
    if (!kv || !current) {
      problems.push({
        file,
        line,
        message: `line ${line} is neither a [section] header nor key = value`,
        fix: 'fix the line in the project source or report it to the project author',
      });
      return;
    }
    lastKey = kv[1]!.toLowerCase();
    current.entries.set(lastKey, { value: kv[2]!.trim(), line, parts: [{ text: kv[2]!.trim(), line }] });
  });
  return sections;
}

export function parseProjectIni(text: string, file = 'project.ini'): ProjectIni {
  const problems: IniProblem[] = [];
  const sections = parseSections(text, file, problems);
  const out: ProjectIni = { specs: [], blobs: [], problems };
  for (const s of sections) {
    const [kind, ...rest] = s.header.split(/\s+/);
    const lower = kind?.toLowerCase();
    if (lower === 'project') {
      out.name = s.entries.get('name')?.value;
      out.version = s.entries.get('version')?.value;
      out.type = s.entries.get('type')?.value;
    } else if (lower === 'spec' && rest.length > 0) {
      out.specs.push(rest.join(' '));
    } else if (lower === 'blobs') {
      const files = s.entries.get('files');
      if (!files) continue;
      // Each name is located on the line it is written on, also when the list continues over several lines.
      for (const part of files.parts)
        for (const name of part.text.split(',').map((f) => f.trim()).filter(Boolean))
          out.blobs.push({ blob: name, file, line: part.line, via: 'project.ini' });
    }
  }
  return out;
}

/** A blob a spec script fetches whose name is computed at run time ($VAR, #{...}): it cannot be checked offline. */
export interface DynamicReference {
  file: string;
  line: number;
  text: string;
}

const JETPACK_CLI = /\bjetpack\s+download\s+(.+)$/;
const JETPACK_CHEF = /\bjetpack_download\s*\(?\s*(['"])([^'"]+)\1/;

function firstPositional(args: string): string | undefined {
  const words = args.match(/"[^"]*"|'[^']*'|\S+/g) ?? [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w.startsWith('#') || w === '&&' || w === '||' || w === ';' || w === '|') return undefined;
    if (w.startsWith('--')) {
      if (!w.includes('=')) i++; // --project slurm
      continue;
    }
    if (w.startsWith('-')) continue;
    return w.replace(/^["']|["']$/g, '');
  }
  return undefined;
}

export function scanSpecFile(
  text: string,
  file: string,
): { blobs: BlobReference[]; dynamic: DynamicReference[] } {
  const blobs: BlobReference[] = [];
  const dynamic: DynamicReference[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    const trimmed = raw.trim();
    if (trimmed.startsWith('#') && !trimmed.startsWith('#{')) return;
    const chef = JETPACK_CHEF.exec(raw);
    const cli = chef ? undefined : JETPACK_CLI.exec(raw);
    const name = chef ? chef[2] : cli ? firstPositional(cli[1]!) : undefined;
    if (name === undefined) return;
    if (/[$`]|#\{/.test(name)) dynamic.push({ file, line, text: trimmed });
    else blobs.push({ blob: name.split('/').pop()!, file, line, via: 'jetpack-download' });
  });
  return { blobs, dynamic };
}

/** Files of a project source tree that can name blobs: project.ini and every text file under specs/. */
export function isBlobReferencingFile(path: string): boolean {
  return path === 'project.ini' || (path.startsWith('specs/') && /\.(sh|bash|py|rb|ps1|bat|cmd|ini|txt)$|\/[^./]+$/.test(path));
}
