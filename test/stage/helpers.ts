import { readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { loadWorkspace } from '../../shared/model/load';
import type { Workspace } from '../../shared/model/schema';

export const EXAMPLE = 'examples/contoso-hybrid.junction.json';

/** The example workspace with its CycleCloud projects replaced; returns the JSON text too, for CLI tests. */
export function workspaceWith(projects: { name: string; version: string; repo: string; tag: string }[]): { ws: Workspace; text: string } {
  const doc = JSON.parse(readFileSync(EXAMPLE, 'utf8')) as { cycleCloud: { projects: unknown[] }[] };
  doc.cycleCloud[0]!.projects = projects.map((p) => ({ name: p.name, version: p.version, source: { type: 'github', repo: p.repo, tag: p.tag } }));
  const text = JSON.stringify(doc, null, 2);
  const r = loadWorkspace(text, 'test.junction.json');
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return { ws: r.workspace, text };
}

/** A throwaway CA and a server certificate for 127.0.0.1, made with openssl in `dir`. */
export function makeLoopbackCa(dir: string): { caPem: string; key: string; cert: string } {
  const o = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  o(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Junction Test CA']);
  o(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'srv.key', '-out', 'srv.csr', '-subj', '/CN=127.0.0.1']);
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1\n');
  o(['x509', '-req', '-in', 'srv.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'srv.pem', '-days', '2', '-extfile', 'san.ext']);
  const read = (f: string) => readFileSync(join(dir, f), 'utf8');
  return { caPem: read('ca.pem'), key: read('srv.key'), cert: read('srv.pem') };
}
