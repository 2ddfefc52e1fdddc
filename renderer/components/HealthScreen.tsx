import { Placeholder } from './Placeholder';

export function HealthScreen() {
  return (
    <Placeholder
      title="Health"
      issue="issue 8"
      text="Reachability and probe results tied to the topology: which paths are open, which NSG rule or route decides."
    />
  );
}
