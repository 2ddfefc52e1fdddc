// Hostile text in every free-text field of the workspace must stay data in every output language (issue #15).
// The generators are fed the hostile workspace directly (zod-validated, but past the loader's control-character
// rule), so this tests the escaping itself, not the loader's refusal. For each field the schema accepts free text
// in, one payload holding every hostile token at once is always tried; on top, a deterministic sample of
// (field, single token) pairs: JUNCTION_FUZZ_SEED picks another sample, and every failure names its seed.
import { describe, expect, it, beforeAll } from 'vitest';
import { mkdtempSync, mkdirSync, readdirSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { generateAll, UnsafeWorkspaceError, type GenerateResult } from '../../shared/generate';
import { desiredResources } from '../../shared/azure/desired';
import { exportArmTemplates, exportCliScript } from '../../shared/azure/export';
import { Workspace } from '../../shared/model/schema';
import { rawExample, type Raw } from '../helpers/example';
import { parsePs } from './ps-parse';
import { shellCodeLines } from './sh-lex';

const SEED = Number(process.env['JUNCTION_FUZZ_SEED'] ?? 15);
const SAMPLE = Number(process.env['JUNCTION_FUZZ_SAMPLE'] ?? 24);

/** One token per trick: quotes (straight and curly), expansions, separators, batch syntax, line breaks, comments. */
const TOKENS = [
  "'",
  '"',
  '\u2018\u2019\u201c\u201d',
  '$(touch PWNED-sub)',
  '`touch PWNED-tick`',
  '; touch PWNED-semi',
  '| touch PWNED-pipe',
  '& touch PWNED-amp',
  '%PATH%',
  '^',
  '!',
  '\r\ntouch PWNED-crlf\r\n',
  '\ntouch PWNED-lf',
  '#> Remove-Item -Recurse C:\\',
  '\u0000',
  '${IFS}',
  '<script>x</script>',
  '[x](http://example.invalid)',
  '```',
];
const ALL = TOKENS.join(' ');

/** Deterministic PRNG (mulberry32): the same seed gives the same sample on every machine. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Path = (string | number)[];

/**
 * The example plus the optional free-text fields it leaves out, so every text field of the schema the generators
 * can read is present (the others absent from the example are addresses, URLs or GUIDs the schema validates).
 */
function base(): Raw {
  const raw = rawExample();
  for (const s of raw.sites) s.description = `Site ${s.id}`;
  raw.certificates[0].thumbprint = '0123456789ABCDEF0123456789ABCDEF01234567';
  return raw;
}

function stringPaths(v: unknown, path: Path = [], out: Path[] = []): Path[] {
  if (typeof v === 'string') out.push(path);
  else if (Array.isArray(v)) v.forEach((x, i) => stringPaths(x, [...path, i], out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) stringPaths(x, [...path, k], out);
  return out;
}

function setAt(raw: Raw, path: Path, value: string): void {
  let cur = raw;
  for (const seg of path.slice(0, -1)) cur = cur[seg];
  cur[path[path.length - 1]!] = value;
}

function getAt(raw: Raw, path: Path): string {
  let cur = raw;
  for (const seg of path) cur = cur[seg];
  return cur as string;
}

/**
 * The workspace with `payload` appended to the field; undefined when the schema refuses the payload's printable
 * part there (ids, references, addresses, enums). The control characters, which the schema refuses everywhere, are
 * put into the parsed workspace afterwards: the generators must hold even against text that got past the schema.
 */
function hostile(path: Path, payload: string): Workspace | undefined {
  const raw = base();
  const value = getAt(raw, path);
  setAt(raw, path, value + payload.replace(CONTROLS, ''));
  const r = Workspace.safeParse(raw);
  if (!r.success) return undefined;
  setAt(r.data, path, value + payload);
  return r.data;
}

// eslint-disable-next-line no-control-regex -- the characters the schema refuses
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

const where = (path: Path, token: string) => `field ${path.join('.')} with ${JSON.stringify(token)} (seed ${SEED})`;

interface Outputs {
  gen: GenerateResult;
  az: string;
}

function outputs(ws: Workspace): Outputs {
  return { gen: generateAll(ws), az: exportCliScript(desiredResources(ws).resources, ws.name) };
}

async function psCommands(text: string): Promise<{ errors: string[]; commands: string[] }> {
  const r = await parsePs(text);
  return { errors: r.errors, commands: r.commands.map((c) => `${c.name} ${c.params.join(' ')}`).sort() };
}

// SC1112 flags a curly quote as a likely typo and SC2016 a "$" in single quotes as a likely mistake; here both are
// hostile text kept as data in a single-quoted word, which is the point.
const SHELLCHECK = ['--shell=bash', '--exclude=SC1112,SC2016'];

const scratchRoot = mkdtempSync(join(tmpdir(), 'junction-fuzz-'));
const bin = join(scratchRoot, 'bin');
let scratchN = 0;

/** bash -n, then --help and --dry-run in an empty folder (az stubbed): nothing may appear there. */
function runBash(file: string, label: string): string[] {
  const problems: string[] = [];
  const dir = join(scratchRoot, `d${scratchN++}`);
  mkdirSync(dir);
  const n = spawnSync('bash', ['-n', file], { encoding: 'utf8' });
  if (n.status !== 0) problems.push(`${label}: bash -n: ${n.stderr}`);
  const env = { PATH: `${bin}:${process.env['PATH']}`, HOME: scratchRoot, JUNCTION_LOG_DIR: join(scratchRoot, 'logs') };
  for (const args of [['--help'], ['--dry-run']]) {
    spawnSync('bash', [file, ...args], { cwd: dir, env, encoding: 'utf8', timeout: 20_000 });
    const made = readdirSync(dir);
    if (made.length) problems.push(`${label} ${args[0]}: created ${made.join(', ')}`);
  }
  return problems;
}

/** Distinct hostile bash scripts, by content: shellcheck runs once over all of them (it starts slowly). */
const toShellcheck = new Map<string, { file: string; label: string; severity: string }>();

function queueBash(content: string, label: string, severity: string, run: boolean): string[] {
  if (toShellcheck.has(content)) return [];
  const file = join(scratchRoot, `s${scratchN++}.sh`);
  writeFileSync(file, content);
  toShellcheck.set(content, { file, label, severity });
  if (run) return runBash(file, label);
  const n = spawnSync('bash', ['-n', file], { encoding: 'utf8' });
  return n.status !== 0 ? [`${label}: bash -n: ${n.stderr}`] : [];
}

function shellcheckQueued(): string[] {
  const problems: string[] = [];
  for (const severity of ['style', 'warning']) {
    const batch = [...toShellcheck.values()].filter((x) => x.severity === severity);
    toShellcheck.clear();
    if (!batch.length) continue;
    const r = spawnSync('shellcheck', [...SHELLCHECK, `--severity=${severity}`, '--format=gcc', ...batch.map((x) => x.file)], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    expect(r.error, 'shellcheck must be installed').toBeUndefined();
    for (const line of r.stdout.split('\n').filter(Boolean)) {
      const hit = batch.find((x) => line.startsWith(x.file + ':'));
      problems.push(`${hit?.label ?? '?'}: shellcheck: ${line}`);
    }
  }
  return problems;
}

let clean: Outputs;
let cleanPs: Map<string, { errors: string[]; commands: string[] }>;
let fields: Path[];

beforeAll(async () => {
  mkdirSync(bin);
  // The stand-in az succeeds with no output: the scripts' "already there?" reads find nothing and --dry-run lists changes.
  writeFileSync(join(bin, 'az'), '#!/usr/bin/env bash\nexit 0\n');
  chmodSync(join(bin, 'az'), 0o755);
  const ws = Workspace.parse(base());
  clean = outputs(ws);
  cleanPs = new Map();
  for (const f of clean.gen.files) if (f.kind === 'powershell') cleanPs.set(f.path, await psCommands(f.content));
  // Free text: the fields zod accepts the all-token payload in (ids, references, addresses and enums refuse it).
  fields = stringPaths(base()).filter((p) => p[0] !== '$schema' && hostile(p, ALL) !== undefined);
});

async function check(path: Path, token: string): Promise<string[]> {
  const ws = hostile(path, token);
  if (!ws) return [];
  let out: Outputs;
  try {
    out = outputs(ws);
  } catch (e) {
    // Refusing is a safe answer (a name that cannot be a file name, an invalid prefix); crashing is not.
    return e instanceof UnsafeWorkspaceError ? [] : [`${where(path, token)}: ${(e as Error).message}`];
  }
  const problems: string[] = [];
  const label = where(path, token);
  const cleanByPath = new Map(clean.gen.files.map((f) => [f.path, f]));
  if (out.gen.files.length !== clean.gen.files.length) problems.push(`${label}: ${out.gen.files.length} files instead of ${clean.gen.files.length}`);
  for (const f of out.gen.files) {
    const before = cleanByPath.get(f.path);
    if (!before) {
      problems.push(`${label}: unexpected file ${f.path}`);
      continue;
    }
    if (before.content === f.content) continue;
    if (f.kind === 'powershell') {
      const got = await psCommands(f.content);
      if (got.errors.length) problems.push(`${label}: ${f.path} does not parse: ${got.errors.slice(0, 2).join('; ')}`);
      expect(got.commands, `${label}: ${f.path} commands`).toEqual(cleanPs.get(f.path)!.commands);
    } else if (f.kind === 'batch') {
      const lines = (s: string) => s.split(/\r\n|\r|\n/).length;
      if (lines(f.content) !== lines(before.content)) problems.push(`${label}: ${f.path} has ${lines(f.content)} lines instead of ${lines(before.content)}`);
      if (/[%&|^<>!]/.test(f.content.split('\r\n').filter((l) => l.startsWith('rem ')).join(''))) problems.push(`${label}: ${f.path}: a rem line holds a character cmd acts on`);
    } else if (f.kind === 'bash') {
      if (shellCodeLines(f.content).length !== shellCodeLines(before.content).length) problems.push(`${label}: ${f.path}: code lines changed`);
      problems.push(...queueBash(f.content, `${label}: ${f.path}`, 'style', true));
    } else if (f.kind === 'arm-template') {
      try {
        JSON.parse(f.content);
      } catch {
        problems.push(`${label}: ${f.path} is not JSON`);
      }
    }
  }
  // What the runbook tells the admin to type (into PowerShell, or bash for the Azure steps): the same commands.
  for (const [i, step] of out.gen.steps.entries()) {
    const before = clean.gen.steps[i]!;
    if (step.commands.join('\n') === before.commands.join('\n')) continue;
    const [got, want] = [await psCommands(step.commands.join('\n')), await psCommands(before.commands.join('\n'))];
    if (JSON.stringify(got.commands) !== JSON.stringify(want.commands) || got.errors.length)
      problems.push(`${label}: the commands of runbook step ${step.number} changed: ${JSON.stringify(step.commands)}`);
  }
  const lines = (s: string) => s.split('\n').length;
  if (lines(out.gen.runbook) !== lines(clean.gen.runbook)) problems.push(`${label}: RUNBOOK.md has ${lines(out.gen.runbook)} lines instead of ${lines(clean.gen.runbook)}`);
  if (out.az !== clean.az) {
    if (shellCodeLines(out.az).length !== shellCodeLines(clean.az).length) problems.push(`${label}: az script code lines changed`);
    problems.push(...queueBash(out.az, `${label}: az script`, 'warning', false));
  }
  return problems;
}

describe(`hostile text in every free-text field stays data (seed ${SEED})`, () => {
  it('finds the free-text fields: names, descriptions, notes, labels', () => {
    const names = new Set(fields.map((p) => String(p[p.length - 1])));
    for (const n of ['name', 'description', 'fqdn', 'notes', 'connectionName', 'thumbprint', 'subject']) expect(names, n).toContain(n);
    expect(fields.length).toBeGreaterThan(50);
  });

  it('every field with all the tokens at once', async () => {
    const problems: string[] = [];
    for (const p of fields) problems.push(...(await check(p, ALL)));
    problems.push(...shellcheckQueued());
    expect(problems, `seed ${SEED}`).toEqual([]);
  }, 300_000);

  it('a whole value that is an ARM expression stays a literal in every template', () => {
    const EXPR = "[concat('x', deployment().name)]";
    const problems: string[] = [];
    const walk = (v: unknown, where: string) => {
      if (v === EXPR) problems.push(where);
      else if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${where}[${i}]`));
      else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, `${where}.${k}`);
    };
    for (const p of fields) {
      const raw = base();
      setAt(raw, p, EXPR);
      const r = Workspace.safeParse(raw);
      if (!r.success) continue;
      let templates: unknown[];
      try {
        templates = [
          ...generateAll(r.data).files.filter((f) => f.kind === 'arm-template').map((f) => JSON.parse(f.content)),
          ...exportArmTemplates(desiredResources(r.data).resources).map((t) => t.template),
        ];
      } catch (e) {
        if (e instanceof UnsafeWorkspaceError) continue;
        throw e;
      }
      templates.forEach((t, i) => walk(t, `${p.join('.')} -> template ${i}`));
    }
    expect(problems).toEqual([]);
  });

  it(`a sample of ${SAMPLE} (field, token) pairs, one token each`, async () => {
    const next = rng(SEED);
    const problems: string[] = [];
    for (let i = 0; i < SAMPLE; i++) {
      const p = fields[Math.floor(next() * fields.length)]!;
      const t = TOKENS[Math.floor(next() * TOKENS.length)]!;
      problems.push(...(await check(p, t)));
    }
    problems.push(...shellcheckQueued());
    expect(problems, `seed ${SEED}`).toEqual([]);
  }, 300_000);
});
