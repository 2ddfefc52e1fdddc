// The app's one layout worker, and the latest layout kept by its input. The workspace's layout is asked for as soon
// as the workspace loads (prefetchLayout), while the admin is still on another screen, so opening Topology starts
// from positions that are already there instead of from a worker that has yet to start and compute them.
import { buildTopology, type Topology } from './graph';
import { layeredLayout, type LayoutInput, type LayoutResult } from './layout';
import type { Workspace } from '../../shared/model/schema';

/** What the layout depends on: nodes with kind and site, and edges. Lint findings and labels do not move anything. */
export function layoutInputOf(t: Topology): LayoutInput {
  return {
    nodes: t.nodes.map((n) => ({ key: n.key, kind: n.kind, ...(n.site ? { site: n.site } : {}) })),
    edges: t.edges.map((e) => ({ source: e.source, target: e.target, kind: e.kind })),
  };
}

/** undefined: not started yet; null: unavailable or failed, so layouts run inline from then on. */
let worker: Worker | null | undefined;
const waiting = new Map<number, { input: LayoutInput; resolve: (r: LayoutResult, where: 'worker' | 'inline') => void }>();
let seq = 0;
let latest: { key: string; answer: Promise<LayoutAnswer> } | undefined;

export interface LayoutAnswer {
  result: LayoutResult;
  /** How long the layout itself took, from the request to the answer (not how long the screen waited for it). */
  ms: number;
  where: 'worker' | 'inline';
}

function startWorker(): Worker | null {
  let w: Worker;
  try {
    w = new Worker(new URL('./layout.worker.ts', import.meta.url), { type: 'module' });
  } catch {
    return null;
  }
  w.addEventListener('message', (e: MessageEvent<{ id: number; result: LayoutResult }>) => {
    const p = waiting.get(e.data.id);
    if (!p) return;
    waiting.delete(e.data.id);
    p.resolve(e.data.result, 'worker');
  });
  // A worker whose script fails to load (or throws) reports only an error event, possibly before any layout was
  // asked for; the listener must exist from the start or the first paint waits forever. From then on, and for
  // whatever was waiting, lay out inline.
  w.addEventListener('error', (e) => {
    e.preventDefault();
    w.terminate();
    worker = null;
    for (const [id, p] of waiting) {
      waiting.delete(id);
      p.resolve(layeredLayout(p.input), 'inline');
    }
  });
  return w;
}

function compute(input: LayoutInput): Promise<LayoutAnswer> {
  const t0 = performance.now();
  const inline = (): LayoutAnswer => ({ result: layeredLayout(input), ms: performance.now() - t0, where: 'inline' });
  if (worker === undefined) worker = startWorker();
  const w = worker;
  if (!w) return Promise.resolve(inline());
  const id = ++seq;
  return new Promise((resolve) => {
    waiting.set(id, {
      input,
      resolve: (result, where) => resolve({ result, ms: performance.now() - t0, where }),
    });
    w.postMessage({ id, input });
  });
}

/** Equal for inputs that lay out the same. */
export function layoutKeyOf(input: LayoutInput): string {
  return JSON.stringify(input);
}

/** The layout for `input`: the one already computed or under way for the same input, else a new one. */
export function requestLayout(input: LayoutInput, key = layoutKeyOf(input)): Promise<LayoutAnswer> {
  if (latest?.key !== key) latest = { key, answer: compute(input) };
  return latest.answer;
}

/** Starts the layout of a workspace in the background; the Topology screen picks it up when it opens. */
export function prefetchLayout(workspace: Workspace): void {
  void requestLayout(layoutInputOf(buildTopology(workspace)));
}
