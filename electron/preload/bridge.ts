// What the preload exposes, built from the contract: one named method per channel, each bound to its own fixed
// channel name. There is deliberately no generic invoke(channel, ...) (the renderer could then call anything).
import {
  API_CHANNELS,
  MENU_COMMANDS,
  type ApiChannel,
  type JunctionApi,
  type MenuCommand,
} from '../../shared/api/contract';

export type Invoke = (channel: ApiChannel, payload: unknown) => Promise<unknown>;

export function buildBridge(invoke: Invoke): JunctionApi {
  const bridge: Record<string, (req: unknown) => Promise<unknown>> = {};
  for (const name of API_CHANNELS) {
    const fixed: ApiChannel = name;
    bridge[fixed] = (req: unknown) => invoke(fixed, req ?? {});
  }
  return Object.freeze(bridge) as unknown as JunctionApi;
}

export interface MenuBridge {
  onCommand(listener: (command: MenuCommand) => void): () => void;
}

export function isMenuCommand(x: unknown): x is MenuCommand {
  return typeof x === 'string' && (MENU_COMMANDS as readonly string[]).includes(x);
}
