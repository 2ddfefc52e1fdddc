// Host implementation of the workspace channels. One implementation, used by the Electron main process, the
// loopback web host and the tests alike.
import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import type { ApiRequest, ApiResponse, LintResult, WorkspaceLoadResult } from '../../shared/api/contract';
import { loadWorkspace } from '../../shared/model/load';
import { lintWorkspace } from '../../shared/lint/engine';
import { formatPath, toJsonPointer } from '../../shared/model/path';
import { readWorkspaceFile } from './workspace-files';
import { writeFileAtomic } from './atomic-write';
import { exampleWorkspacePath } from './paths';

function fromText(origin: string, fileName: string, text: string): WorkspaceLoadResult {
  const r = loadWorkspace(text, fileName);
  return r.ok
    ? { origin, fileName, text, ok: true, workspace: r.workspace, problems: [] }
    : { origin, fileName, text, ok: false, problems: r.problems };
}

export async function openExample(): Promise<WorkspaceLoadResult> {
  const path = exampleWorkspacePath();
  return fromText('example', basename(path), await readFile(path, 'utf8'));
}

export async function openFile(req: ApiRequest<'workspace.openFile'>): Promise<WorkspaceLoadResult> {
  const path = resolve(req.path);
  const r = await readWorkspaceFile(path);
  const text = 'text' in r && typeof r.text === 'string' ? r.text : '';
  return r.ok
    ? { origin: path, fileName: basename(path), text, ok: true, workspace: r.workspace, problems: [] }
    : { origin: path, fileName: basename(path), text, ok: false, problems: r.problems };
}

export async function parse(req: ApiRequest<'workspace.parse'>): Promise<WorkspaceLoadResult> {
  return fromText('editor', req.fileName, req.text);
}

export async function save(req: ApiRequest<'workspace.save'>): Promise<ApiResponse<'workspace.save'>> {
  const path = resolve(req.path);
  await writeFileAtomic(path, req.text);
  return { path, bytes: Buffer.byteLength(req.text) };
}

export async function lint(req: ApiRequest<'workspace.lint'>): Promise<LintResult> {
  const r = loadWorkspace(req.text, req.fileName);
  if (!r.ok) return { findings: [], counts: { error: 0, warning: 0, info: 0 }, loadProblems: r.problems };
  const report = lintWorkspace(r.workspace, { now: req.at ? new Date(req.at) : new Date() });
  return {
    counts: report.counts,
    loadProblems: [],
    findings: report.findings.map((f) => ({
      ...f,
      where: formatPath(f.path),
      pointer: toJsonPointer(f.path),
      position: r.source.locate(f.path),
    })),
  };
}
