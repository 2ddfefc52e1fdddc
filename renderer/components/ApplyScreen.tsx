import { Placeholder } from './Placeholder';

export function ApplyScreen() {
  return (
    <Placeholder
      title="Apply"
      issue="issue 7"
      text="Plan and apply the Azure network changes of the workspace, resumably, with the offline queue."
    />
  );
}
