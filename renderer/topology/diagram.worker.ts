// ELK off the UI thread: a diagram of a few hundred boxes takes ELK a second or more, the console stays responsive.
import { layoutDiagram, type LayoutOptions } from '../../shared/topology/layout';
import type { Diagram } from '../../shared/topology/diagram';

const post = (m: unknown) => (self as unknown as { postMessage(m: unknown): void }).postMessage(m);

// elkjs, when it first starts inside any worker, sets `self.onmessage` to its own dispatcher (it expects to be the
// worker): every later request would go to ELK instead of here and never be answered. Its assignment is ignored.
Object.defineProperty(self, 'onmessage', { configurable: true, get: () => null, set: () => undefined });

self.addEventListener('message', (e: MessageEvent<{ id: number; diagram: Diagram; opts: LayoutOptions }>) => {
  void layoutDiagram(e.data.diagram, e.data.opts).then(
    (layout) => post({ id: e.data.id, layout }),
    (err: unknown) => post({ id: e.data.id, error: String((err as Error)?.message ?? err) }),
  );
});
