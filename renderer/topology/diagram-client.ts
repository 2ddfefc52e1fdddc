// The diagram's layout worker, with the last few layouts kept by their input so switching views is instant.
import type { DiagramLayout, LayoutOptions } from '../../shared/topology/layout';
import type { Diagram } from '../../shared/topology/diagram';

/** Without a worker the layout runs here; ELK is loaded only then, so it stays out of the main bundle. */
async function inline(diagram: Diagram, opts: LayoutOptions): Promise<DiagramLayout> {
  const { layoutDiagram } = await import('../../shared/topology/layout');
  return layoutDiagram(diagram, opts);
}

let worker: Worker | null | undefined;
let seq = 0;
const waiting = new Map<
  number,
  { resolve: (l: DiagramLayout) => void; reject: (e: Error) => void; diagram: Diagram; opts: LayoutOptions }
>();
const cache = new Map<string, Promise<DiagramLayout>>();

function start(): Worker | null {
  try {
    const w = new Worker(new URL('./diagram.worker.ts', import.meta.url), { type: 'module' });
    w.addEventListener(
      'message',
      (e: MessageEvent<{ id: number; layout?: DiagramLayout; error?: string }>) => {
        const p = waiting.get(e.data.id);
        if (!p) return;
        waiting.delete(e.data.id);
        if (e.data.layout) p.resolve(e.data.layout);
        else p.reject(new Error(e.data.error ?? 'layout failed'));
      },
    );
    // A worker that cannot start: lay out inline from then on, including whatever was waiting.
    w.addEventListener('error', (ev) => {
      ev.preventDefault();
      w.terminate();
      worker = null;
      for (const [id, p] of waiting) {
        waiting.delete(id);
        inline(p.diagram, p.opts).then(p.resolve, p.reject);
      }
    });
    return w;
  } catch {
    return null;
  }
}

/**
 * Starts the worker and has it load ELK with an empty layout, so the first diagram the admin asks for is not kept
 * waiting for that (most of the first paint of a small view on a busy machine). The answer (id 0) is ignored.
 */
export function warmDiagramLayout(): void {
  if (worker !== undefined) return;
  worker = start();
  worker?.postMessage({ id: 0, diagram: { nodes: [], edges: [] }, opts: {} });
}

export function requestDiagramLayout(diagram: Diagram, opts: LayoutOptions = {}): Promise<DiagramLayout> {
  const key = JSON.stringify([diagram, opts]);
  const hit = cache.get(key);
  if (hit) return hit;
  if (worker === undefined) worker = start();
  const w = worker;
  const p = w
    ? new Promise<DiagramLayout>((resolve, reject) => {
        const id = ++seq;
        waiting.set(id, { resolve, reject, diagram, opts });
        w.postMessage({ id, diagram, opts });
      })
    : inline(diagram, opts);
  cache.set(key, p);
  if (cache.size > 8) cache.delete(cache.keys().next().value!);
  p.catch(() => cache.delete(key));
  return p;
}
