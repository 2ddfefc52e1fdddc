// The far-side state collectors every bundle carries (state/collect-state.sh and .ps1): apply.sh and apply.ps1 run
// them after the steps, and the runbook says how to run them on their own. What they write comes back through
// `junction receipt import` and feeds `junction drift`.
import type { Workspace } from '../../shared/model/schema';
import { COLLECT_STATE_SH } from '../../shared/state/collect-sh';
import { renderCollectStatePs1 } from '../../shared/state/collect-ps1';
import type { RunbookSection } from '../../shared/bundle/runbook';
import { bundlePathOf, type Artifact, type BundleInput } from './build';

export const STATE_SH = 'state/collect-state.sh';
export const STATE_PS1 = 'state/collect-state.ps1';

export function addStateScripts(input: BundleInput, ws: Workspace): BundleInput {
  const artifacts: Artifact[] = [
    { path: STATE_SH, role: 'tool', bytes: COLLECT_STATE_SH },
    { path: STATE_PS1, role: 'tool', bytes: renderCollectStatePs1(ws) },
  ];
  const section: RunbookSection = {
    title: 'Collect state on the far side',
    paragraphs: [
      'apply.ps1 and apply.sh end by recording what the host really has (addresses, metrics, routes, certificates, RRAS, the staging tree) in `receipt/state/<host>-<time>.json`; it only reads. To collect on a host without applying, run it on its own. Bring the media back and run `junction receipt import`, then `junction drift <workspace>`.',
    ],
    commands: [
      { lang: 'sh', text: `bash ${bundlePathOf({ path: STATE_SH })} --host <host>` },
      { lang: 'powershell', text: `powershell -NoProfile -ExecutionPolicy Bypass -File .\\${bundlePathOf({ path: STATE_PS1 }).replace(/\//g, '\\')} -HostName <host>` },
    ],
  };
  return { ...input, artifacts: [...input.artifacts, ...artifacts], sections: [...(input.sections ?? []), section] };
}
