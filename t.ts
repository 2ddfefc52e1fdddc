import { readFileSync } from 'node:fs';
import { loadWorkspace, formatProblem } from './shared/model/load';
import { lintWorkspace } from './shared/lint/engine';
const f = 'examples/contoso-hybrid.junction.json';
const r = loadWorkspace(readFileSync(f, 'utf8'), f);
if (!r.ok) { console.log(r.problems.map(formatProblem).join('\n')); process.exit(1); }
const rep = lintWorkspace(r.workspace, { now: new Date('2026-11-22T00:00:00Z') });
for (const x of rep.findings) console.log(x.severity, x.ruleId, x.message, JSON.stringify(x.path));
console.log(rep.counts);
