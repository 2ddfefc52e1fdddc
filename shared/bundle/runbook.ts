// RUNBOOK.md and RUNBOOK.html: per host, in order, what to run and what to check afterwards. Rendered from the
// manifest so the runbook can never disagree with what the bundle actually carries.
import type { Manifest } from './manifest';
import { describeLint } from './lint-record';
import { formatFingerprint } from './sums';
import { mdText } from '../generate/escape';

/** A runbook section beyond the per-host steps: who runs what where (far-side health, a connected machine). */
export interface RunbookSection {
  title: string;
  /** Plain-text paragraphs (inline `code` in backticks is kept as code in both renderings). */
  paragraphs: string[];
  commands?: { lang: 'sh' | 'powershell'; text: string }[];
}

export interface RunbookInput {
  manifest: Manifest;
  signerFingerprint: string;
  /** Free-form Markdown from the generators, appended verbatim. */
  notes?: string;
  sections?: RunbookSection[];
}

function sectionMarkdown(n: number, s: RunbookSection): string[] {
  const out = [`## ${n}. ${s.title}`, ''];
  for (const p of s.paragraphs) out.push(p, '');
  for (const c of s.commands ?? []) out.push('```' + c.lang, c.text, '```', '');
  return out;
}

const codeSpans = (s: string) => esc(s).replace(/`([^`]+)`/g, '<code>$1</code>');

function sectionHtml(n: number, s: RunbookSection): string[] {
  return [`<h2>${n}. ${esc(s.title)}</h2>`, ...s.paragraphs.map((p) => `<p>${codeSpans(p)}</p>`), ...(s.commands ?? []).map((c) => `<pre>${esc(c.text)}</pre>`)];
}

const isBash = (script: string) => script.endsWith('.sh');
const hasBashSteps = (m: Manifest) => m.hosts.some((h) => h.steps.some((s) => isBash(s.script)));

/** The command that runs one bash step through apply.sh (which records it in the receipt), host name shell-quoted. */
export function applyShCommand(host: string, step: number): string {
  const q = /^[A-Za-z0-9._-]+$/.test(host) ? host : `'${host.replace(/'/g, `'\\''`)}'`;
  return `sudo bash apply.sh --host ${q} --step ${step}`;
}

/** The lint result, first thing after the title: a bundle built over lint errors says so before anything is run. */
function lintLines(m: Manifest): string[] {
  const line = `Lint: ${describeLint(m.lint)}.`;
  if (!m.lint?.override) return [line, ''];
  return [
    `> **WARNING: this bundle was built from a workspace with lint errors.** ${line}`,
    '> Read the findings (`junction lint` on the workspace) before running any step: they describe faults these scripts may install.',
    '',
  ];
}

/**
 * The stock-tool check: the key's fingerprint, the signature over SHA256SUMS, then every file. It needs nothing from
 * the media but data, so it can be trusted where verify.sh/verify.ps1 (which travel on the media) cannot.
 */
const STOCK_CHECK = [
  'openssl pkey -pubin -in signer.pem -outform DER | sha256sum    # must equal the fingerprint you were given',
  'openssl dgst -sha256 -verify signer.pem -signature SHA256SUMS.sig SHA256SUMS && sha256sum --strict -c SHA256SUMS',
];

const TRUST_WORDS = [
  'Everything on this media, this RUNBOOK and the fingerprint above included, came from outside and may be forged,',
  'and so may verify.sh and verify.ps1: a forged bundle can carry a verifier that says OK. Verify with a verifier you trust:',
];
const TRUST_WAYS = [
  '`junction bundle verify <this folder> --trust <fingerprint>` on your own admin machine, with the fingerprint the sender gave you by another channel (phone, ticket); or',
  'the stock-tool check below, with the same fingerprint; or',
  'the shipped script, but only after the SHA-256 of verify.sh (`sha256sum verify.sh`) or of verify.ps1 (`Get-FileHash verify.ps1`) matches the value `junction bundle build` printed, which the sender passes on with the fingerprint.',
];

function verifySection(fp: string): string[] {
  return [
    '## 1. Verify the bundle before anything else',
    '',
    `Signer fingerprint this bundle claims (SHA-256 of the public key): \`${formatFingerprint(fp)}\``,
    '',
    ...TRUST_WORDS,
    '',
    ...TRUST_WAYS.map((w, i) => `${i + 1}. ${w}`),
    '',
    '```sh',
    ...STOCK_CHECK,
    '```',
    '',
    'The shipped scripts, once their hashes match:',
    '',
    '```sh',
    `bash verify.sh ${fp}`,
    '```',
    '',
    '```powershell',
    `powershell -NoProfile -ExecutionPolicy Bypass -File .\\verify.ps1 -ExpectedSigner ${fp}`,
    '```',
    '',
    'Both use only stock tools (sha256sum + openssl, or Get-FileHash + .NET) and need the fingerprint you were given: without it they',
    'verify nothing and report FAILED (exit code 2). Do not continue if any check fails.',
    '',
  ];
}

export function renderRunbookMarkdown(input: RunbookInput): string {
  const m = input.manifest;
  const out: string[] = [
    `# Junction bundle ${m.bundleId}`,
    '',
    `Built ${m.createdAt} by Junction ${m.junctionVersion} from workspace ${mdText(m.workspace.name ?? '')} (SHA-256 ${m.workspace.sha256}).`,
    '',
    ...lintLines(m),
    ...verifySection(input.signerFingerprint),
    '## 2. Apply, host by host, in order',
    '',
    'On each Windows host, `.\\apply.ps1 -HostName <host>` runs that host\'s steps in order, stops at the first failure and',
    'records every step in `receipt/apply-log.jsonl` on this media. Bring the media back and run `junction receipt import`.',
    ...(hasBashSteps(m)
      ? [
          'A step whose script ends in `.sh` runs on Linux, from this folder: `sudo bash apply.sh --host <host>` runs that host\'s',
          'bash steps the same way and records them in the same log; `--step <n>` runs one. Arguments after `--` go to the step\'s',
          'script (with `--step`); a run with `-- --dry-run` is shown but not recorded.',
        ]
      : []),
    '',
  ];
  for (const h of m.hosts) {
    out.push(`### ${h.host}`, '');
    if (h.steps.length === 0) out.push('No steps.', '');
    for (const s of h.steps) {
      out.push(
        isBash(s.script)
          ? `${s.step}. **${mdText(s.title)}** — run \`${applyShCommand(h.host, s.step)}\` (script \`${s.script}\`)`
          : `${s.step}. **${mdText(s.title)}** — run \`${s.script}\``,
      );
      // Titles, needs and checks carry workspace text (names): shown as written, never as Markdown or HTML.
      if (s.needs.length) out.push(`   - needs: ${mdText(s.needs.join('; '))}`);
      if (s.files.length) out.push(`   - reads: ${s.files.map((f) => `\`${f}\``).join(', ')}`);
      if (s.check) out.push(`   - check afterwards: ${mdText(s.check)}`);
    }
    out.push('');
  }
  (input.sections ?? []).forEach((s, i) => out.push(...sectionMarkdown(i + 3, s)));
  const split = m.files.filter((f) => f.parts);
  if (split.length) {
    out.push(
      '## Split files',
      '',
      'These files were split for the media; `bash verify.sh <fingerprint> <folder>` or',
      '`verify.ps1 -ExpectedSigner <fingerprint> -ReassembleTo <folder>` rebuilds and checks them:',
      '',
    );
    for (const f of split) out.push(`- \`${f.path}\` (${f.size} bytes in ${f.parts!.length} parts)`);
    out.push('');
  }
  if (input.notes?.trim()) out.push('## Notes from the generators', '', input.notes.trim(), '');
  return out.join('\n');
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function renderRunbookHtml(input: RunbookInput): string {
  const m = input.manifest;
  const fp = input.signerFingerprint;
  const parts: string[] = [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>Junction bundle ${esc(m.bundleId)}</title>`,
    '<style>body{font-family:system-ui,sans-serif;max-width:60em;margin:2em auto;line-height:1.4}code,pre{background:#f3f3f3;padding:0 .2em}pre{padding:.5em;overflow:auto}</style>',
    '</head><body>',
    `<h1>Junction bundle ${esc(m.bundleId)}</h1>`,
    `<p>Built ${esc(m.createdAt)} by Junction ${esc(m.junctionVersion)}; workspace SHA-256 <code>${esc(m.workspace.sha256)}</code>.</p>`,
    m.lint?.override
      ? `<p style="border:2px solid #b00;padding:.5em"><strong>WARNING: this bundle was built from a workspace with lint errors.</strong> Lint: ${esc(describeLint(m.lint))}. Read the findings before running any step.</p>`
      : `<p>Lint: ${esc(describeLint(m.lint))}.</p>`,
    '<h2>1. Verify the bundle before anything else</h2>',
    `<p>Signer fingerprint this bundle claims: <code>${esc(formatFingerprint(fp))}</code></p>`,
    `<p>${esc(TRUST_WORDS.join(' '))}</p>`,
    `<ol>${TRUST_WAYS.map((w) => `<li>${codeSpans(w)}</li>`).join('')}</ol>`,
    `<pre>${esc(STOCK_CHECK.join('\n'))}</pre>`,
    '<p>The shipped scripts, once their hashes match:</p>',
    `<pre>bash verify.sh ${esc(fp)}</pre>`,
    `<pre>powershell -NoProfile -ExecutionPolicy Bypass -File .\\verify.ps1 -ExpectedSigner ${esc(fp)}</pre>`,
    '<p>Both scripts need the fingerprint you were given: without it they verify nothing and report FAILED. Do not continue if any check fails.</p>',
    '<h2>2. Apply, host by host, in order</h2>',
    '<p>On each Windows host run <code>.\\apply.ps1 -HostName &lt;host&gt;</code>; it records each step in <code>receipt/apply-log.jsonl</code>.</p>',
    ...(hasBashSteps(m)
      ? [
          '<p>A step whose script ends in <code>.sh</code> runs on Linux, from this folder: <code>sudo bash apply.sh --host &lt;host&gt;</code> runs that host\'s bash steps the same way and records them in the same log; <code>--step &lt;n&gt;</code> runs one. Arguments after <code>--</code> go to the step\'s script (with <code>--step</code>); a run with <code>-- --dry-run</code> is shown but not recorded.</p>',
        ]
      : []),
  ];
  for (const h of m.hosts) {
    parts.push(`<h3>${esc(h.host)}</h3>`, '<ol>');
    for (const s of h.steps) {
      const extra = [
        s.needs.length ? `<li>needs: ${esc(s.needs.join('; '))}</li>` : '',
        s.files.length ? `<li>reads: ${s.files.map((f) => `<code>${esc(f)}</code>`).join(', ')}</li>` : '',
        s.check ? `<li>check afterwards: ${esc(s.check)}</li>` : '',
      ].join('');
      const run = isBash(s.script) ? `<code>${esc(applyShCommand(h.host, s.step))}</code> (script <code>${esc(s.script)}</code>)` : `<code>${esc(s.script)}</code>`;
      parts.push(`<li value="${s.step}"><strong>${esc(s.title)}</strong> — run ${run}${extra ? `<ul>${extra}</ul>` : ''}</li>`);
    }
    parts.push('</ol>');
  }
  (input.sections ?? []).forEach((s, i) => parts.push(...sectionHtml(i + 3, s)));
  if (input.notes?.trim()) parts.push('<h2>Notes from the generators</h2>', `<pre>${esc(input.notes.trim())}</pre>`);
  parts.push('</body></html>', '');
  return parts.join('\n');
}
