// Two ways to see the estate: the network diagram (regions, subnets, NIC ports, tunnels end to end) and the graph
// (search, keyboard walk, health colours at scale).
import { useEffect, useState } from 'react';
import { TopologyScreen } from '../TopologyScreen';
import { DiagramScreen } from './DiagramScreen';
import { warmDiagramLayout } from '../../topology/diagram-client';

export type TopologyMode = 'diagram' | 'graph';

/** The view the admin chose last, kept while the console runs so leaving Topology and coming back keeps it. */
let lastMode: TopologyMode = 'graph';

export function TopologyTabs() {
  const [mode, setModeState] = useState<TopologyMode>(lastMode);
  const setMode = (m: TopologyMode) => {
    lastMode = m;
    setModeState(m);
  };
  // The diagram's worker loads ELK while the graph is shown, off the UI thread.
  useEffect(() => {
    const t = setTimeout(warmDiagramLayout, 300);
    return () => clearTimeout(t);
  }, []);
  return (
    <section className="screen topology-tabs" aria-label="Topology views">
      <div className="tabs" role="tablist">
        {(['graph', 'diagram'] as const).map((m) => (
          <button
            key={m}
            role="tab"
            aria-selected={mode === m}
            className={mode === m ? 'tab current' : 'tab'}
            data-mode={m}
            onClick={() => setMode(m)}
          >
            {m === 'graph' ? 'Graph' : 'Network diagram'}
          </button>
        ))}
      </div>
      {mode === 'graph' ? <TopologyScreen /> : <DiagramScreen />}
    </section>
  );
}
