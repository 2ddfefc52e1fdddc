// The Apply screen's channels (issue 7), over electron/azure: the same engine, journal and queue as the CLI.
import type { AZURE_API } from '../../shared/api/azure-api';
import type { ChannelHandlers, HostContext } from './host';

export function azureHandlers(ctx: HostContext): ChannelHandlers<keyof typeof AZURE_API> {
  void ctx;
  return {};
}
