import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { AppInfo, JunctionApi } from '../../shared/api/contract';
import type { WorkspaceActions, WorkspaceState, WorkspaceStore } from '../stores/workspace';
import type { UiActions, UiState, UiStore } from '../stores/ui';
import type { GenerateActions, GenerateState, GenerateStore } from '../stores/generate';
import type { CertActions, CertState, CertStore } from '../stores/certs';
import type { ApplyActions, ApplyState, ApplyStore } from '../stores/apply';
import type { HealthActions, HealthState, HealthStore } from '../stores/health';

export interface Stores {
  api: JunctionApi;
  ws: WorkspaceStore;
  ui: UiStore;
  gen: GenerateStore;
  certs: CertStore;
  apply: ApplyStore;
  health: HealthStore;
  info: AppInfo | null;
}

export const StoresContext = createContext<Stores | null>(null);

export function useStores(): Stores {
  const s = useContext(StoresContext);
  if (!s) throw new Error('StoresContext missing');
  return s;
}

export function useWs<T>(selector: (s: WorkspaceState & WorkspaceActions) => T): T {
  return useStore(useStores().ws, selector);
}

export function useUi<T>(selector: (s: UiState & UiActions) => T): T {
  return useStore(useStores().ui, selector);
}

export function useGen<T>(selector: (s: GenerateState & GenerateActions) => T): T {
  return useStore(useStores().gen, selector);
}

export function useCerts<T>(selector: (s: CertState & CertActions) => T): T {
  return useStore(useStores().certs, selector);
}

export function useApply<T>(selector: (s: ApplyState & ApplyActions) => T): T {
  return useStore(useStores().apply, selector);
}

export function useHealth<T>(selector: (s: HealthState & HealthActions) => T): T {
  return useStore(useStores().health, selector);
}
