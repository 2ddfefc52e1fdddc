import type { Rule } from '../types';
import { WORKSPACE_RULES } from './workspace';
import { ADDRESSING_RULES } from './addressing';
import { ROUTING_RULES } from './routing';
import { NSG_RULES } from './nsg';
import { CYCLECLOUD_RULES } from './cyclecloud';
import { CERTIFICATE_RULES } from './certificates';
import { LICENSE_LINK_RULES } from './license-link';
import { HNV_RULES } from './hnv';
import { FLOW_RULES } from './flows';
import { AZURE_PLATFORM_RULES } from './azure-platform';
import { RETIRED_SERVICE_RULES } from './retired-services';

export const RULES: readonly Rule[] = [
  ...WORKSPACE_RULES,
  ...ADDRESSING_RULES,
  ...ROUTING_RULES,
  ...NSG_RULES,
  ...CYCLECLOUD_RULES,
  ...CERTIFICATE_RULES,
  ...LICENSE_LINK_RULES,
  ...HNV_RULES,
  ...AZURE_PLATFORM_RULES,
  ...FLOW_RULES,
  ...RETIRED_SERVICE_RULES,
];
