// Apply screen state. Replaced by the Apply screen's implementation; the shape here is what main.tsx and context.tsx
// rely on: a vanilla zustand store made from the API and the document as it is in the editor.
import { createStore } from 'zustand/vanilla';
import type { JunctionApi } from '../../shared/api/contract';
import type { Doc } from './generate';

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ApplyState {}
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ApplyActions {}

export type ApplyStore = ReturnType<typeof createApplyStore>;

export function createApplyStore(api: JunctionApi, doc: () => Doc) {
  void api;
  void doc;
  return createStore<ApplyState & ApplyActions>()(() => ({}));
}
