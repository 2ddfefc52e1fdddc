// Health screen state. Replaced by the Health screen's implementation; the shape here is what main.tsx and context.tsx
// rely on: a vanilla zustand store made from the API and the document as it is in the editor.
import { createStore } from 'zustand/vanilla';
import type { JunctionApi } from '../../shared/api/contract';
import type { Doc } from './generate';

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface HealthState {}
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface HealthActions {}

export type HealthStore = ReturnType<typeof createHealthStore>;

export function createHealthStore(api: JunctionApi, doc: () => Doc) {
  void api;
  void doc;
  return createStore<HealthState & HealthActions>()(() => ({}));
}
