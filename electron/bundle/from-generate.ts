// Adapter from the generators' output (shared/generate generateAll) to the builder's generic input. It relies only
// on the agreed shape { files: {path, content, host?, scenario?, step?, kind?}[], runbook, steps? }, not on internals.
import type { Artifact, BundleInput } from './build';
import type { FileRole } from '../../shared/bundle/manifest';

export interface GeneratedLike {
  files: { path: string; content: string; host?: string; scenario?: string; step?: number; kind?: string }[];
  runbook: string;
  steps?: { number: number; title: string; prerequisites?: string[]; notes?: string[]; runAs?: string }[];
}

const SCRIPT_KINDS = new Set(['powershell', 'batch', 'bash']);

function roleOf(kind: string | undefined, path: string): FileRole {
  if (kind ? SCRIPT_KINDS.has(kind) : /\.(ps1|cmd|bat|sh)$/i.test(path)) return 'script';
  if (/\.(cer|crt|pem|pfx)$/i.test(path)) return 'certificate';
  if (/\.(md|txt|html)$/i.test(path)) return 'document';
  return 'config';
}

export function bundleInputFromGenerated(gen: GeneratedLike, workspace: { name?: string; sha256: string }): BundleInput {
  const artifacts: Artifact[] = gen.files.map((f) => ({
    path: f.path,
    role: roleOf(f.kind, f.path),
    bytes: f.content,
    ...(f.host !== undefined ? { host: f.host } : {}),
    ...(f.step !== undefined ? { step: f.step } : {}),
  }));
  const stepInfo = new Map((gen.steps ?? []).map((s) => [s.number, s]));
  const byHost = new Map<string, Map<number, Artifact[]>>();
  for (const a of artifacts) {
    if (a.host === undefined || a.step === undefined) continue;
    const steps = byHost.get(a.host) ?? new Map<number, Artifact[]>();
    steps.set(a.step, [...(steps.get(a.step) ?? []), a]);
    byHost.set(a.host, steps);
  }
  const hosts = [...byHost.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([host, steps]) => ({
      host,
      steps: [...steps.entries()]
        .sort(([a], [b]) => a - b)
        .map(([n, files]) => {
          const script = files.find((f) => f.role === 'script') ?? files[0]!;
          const info = stepInfo.get(n);
          const needs = [...(info?.runAs ? [`run as ${info.runAs}`] : []), ...(info?.prerequisites ?? [])];
          return {
            step: n,
            title: info?.title ?? script.path.split('/').pop()!,
            script: script.path,
            files: files.filter((f) => f !== script).map((f) => f.path),
            needs,
            ...(info?.notes?.length ? { check: info.notes.join(' ') } : {}),
          };
        }),
    }));
  return { workspace, artifacts, hosts, notes: gen.runbook };
}
