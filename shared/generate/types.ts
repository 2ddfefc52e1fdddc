// The generator's output model, shared by the CLI, the bundle builder and the UI.
export type Scenario =
  | 'license-link'
  | 'gateway-routes'
  | 'remote-console'
  | 'hpc-management-certificate'
  | 'cyclecloud'
  | 'hnv-gateway';

export const SCENARIOS: readonly Scenario[] = [
  'license-link',
  'gateway-routes',
  'remote-console',
  'hpc-management-certificate',
  'cyclecloud',
  'hnv-gateway',
];

export const SCENARIO_TITLES: Record<Scenario, string> = {
  'license-link': 'License Link (seed 000)',
  'gateway-routes': 'Gateway routes and metrics (seed 001)',
  'remote-console': 'Remote Console certificates (seed 001)',
  'hpc-management-certificate': 'HPC Azure management certificate (seed 003)',
  cyclecloud: 'CycleCloud in a locked-down network (seed 002)',
  'hnv-gateway': 'HNV gateway with VMM (seed 004)',
};

export type FileKind = 'powershell' | 'batch' | 'bash' | 'arm-template';

/** Where a step runs: a workspace host, or an Azure site (steps run from an admin workstation with Azure access). */
export interface Target {
  id: string;
  label: string;
}

export interface GeneratedFile {
  /** Relative, forward slashes: <target id>/<scenario>/<NN>-<name>.<ext>. */
  path: string;
  content: string;
  host: string;
  scenario: Scenario;
  /** The runbook step number this file belongs to (1-based, across the whole runbook). */
  step: number;
  kind: FileKind;
}

/** One runbook step: a script to run, or a manual action (portal upload, console click) with no file. */
export interface RunbookStep {
  number: number;
  scenario: Scenario;
  target: Target;
  title: string;
  runAs: string;
  prerequisites: string[];
  /** Commands to type, in order (dry run first where the script has one). */
  commands: string[];
  notes: string[];
  files: string[];
}

export interface GenerateOptions {
  /** Only this host (id or computer name, case-insensitive). */
  host?: string;
  scenario?: Scenario;
  /**
   * Azure service tag -> prefixes (the cached list of `junction reach --service-tags`): the CycleCloud outbound check
   * then decides per endpoint, from the address it resolves to, whether the NSG allows it (required) or not (advisory).
   */
  serviceTagPrefixes?: Readonly<Record<string, readonly string[]>>;
}

export interface GenerateResult {
  files: GeneratedFile[];
  steps: RunbookStep[];
  runbook: string;
}

/** A step as a scenario generator drafts it, before global numbering and file naming. */
export interface StepDraft {
  scenario: Scenario;
  target: Target;
  title: string;
  runAs: string;
  prerequisites: string[];
  notes?: string[];
  /** Files of the step; `name` without the NN- prefix. `content` receives the final step number and file names. */
  files: { name: string; kind: FileKind; content: (ctx: StepContext) => string }[];
  /** Commands for the runbook; receives the final file paths. */
  commands: (ctx: StepContext) => string[];
}

export interface StepContext {
  number: number;
  /** Final relative paths of this step's files, by draft name. */
  paths: Record<string, string>;
  /** The final file name (no directory) of this step's files, by draft name. */
  names: Record<string, string>;
  /** e.g. "step 3 of RUNBOOK.md (JB01, License Link)". */
  reference: string;
}
