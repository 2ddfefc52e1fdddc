// Layout off the UI thread: the canvas stays responsive while thousands of positions are computed.
import { layeredLayout, type LayoutInput } from './layout';

self.onmessage = (e: MessageEvent<{ id: number; input: LayoutInput }>) => {
  const result = layeredLayout(e.data.input);
  (self as unknown as { postMessage(m: unknown): void }).postMessage({ id: e.data.id, result });
};
