// The shape of the bundle bench/generate.bench.ts builds and imports, for the type checker.
export { loadWorkspace } from '../shared/model/load';
export { lintWorkspace } from '../shared/lint/engine';
export { generateAll } from '../shared/generate';
