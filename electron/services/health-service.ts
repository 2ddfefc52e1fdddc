// The Health screen's channels (issue 8), over electron/health and shared/reach: the same probes as the CLI.
import type { HEALTH_API } from '../../shared/api/health-api';
import type { ChannelHandlers, HostContext } from './host';

export function healthHandlers(ctx: HostContext): ChannelHandlers<keyof typeof HEALTH_API> {
  void ctx;
  return {};
}
