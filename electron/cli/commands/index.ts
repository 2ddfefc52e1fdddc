// The command registry. Each command lives in its own module; add one line here to expose it.
import type { Command } from '../io';
import { lintCommand } from './lint';
import { schemaCommand } from './schema';
import { rulesCommand } from './rules';
import { initCommand } from './init';
import { stageCommand } from './stage';
import { certCommand } from './cert';
import { reachCommand } from './reach';
import { probeCommand } from './probe';
import { azureCommand } from './azure';
import { generateCommand } from './generate';
import { bundleCommand } from './bundle';
import { receiptCommand } from './receipt';
import { serveCommand } from './serve';
import { driftCommand } from './drift';
import { topologyCommand } from './topology';

export const COMMANDS: readonly Command[] = [
  lintCommand,
  schemaCommand,
  rulesCommand,
  initCommand,
  stageCommand,
  certCommand,
  reachCommand,
  probeCommand,
  azureCommand,
  generateCommand,
  bundleCommand,
  receiptCommand,
  serveCommand,
  driftCommand,
  topologyCommand,
];
