// An NSG's rules as the Azure portal lists them: inbound then outbound, by priority, with Azure's default rules
// (65000–65500) after the workspace's own, and a filter that says how many of how many it shows.
import { useMemo, useState } from 'react';
import type { NsgRule } from '../../../shared/model/schema';

interface Row {
  priority: number;
  name: string;
  direction: 'Inbound' | 'Outbound';
  access: 'Allow' | 'Deny';
  protocol: string;
  source: string;
  destination: string;
  ports: string;
  builtIn: boolean;
}

/** Azure's default security rules, present in every NSG below the workspace's own. */
const DEFAULTS: Row[] = [
  ['Inbound', 65000, 'AllowVnetInBound', 'Allow', 'VirtualNetwork', 'VirtualNetwork'],
  ['Inbound', 65001, 'AllowAzureLoadBalancerInBound', 'Allow', 'AzureLoadBalancer', '*'],
  ['Inbound', 65500, 'DenyAllInBound', 'Deny', '*', '*'],
  ['Outbound', 65000, 'AllowVnetOutBound', 'Allow', 'VirtualNetwork', 'VirtualNetwork'],
  ['Outbound', 65001, 'AllowInternetOutBound', 'Allow', '*', 'Internet'],
  ['Outbound', 65500, 'DenyAllOutBound', 'Deny', '*', '*'],
].map(([direction, priority, name, access, source, destination]) => ({
  direction: direction as Row['direction'],
  priority: priority as number,
  name: name as string,
  access: access as Row['access'],
  protocol: 'Any',
  source: source as string,
  destination: destination as string,
  ports: 'Any',
  builtIn: true,
}));

const any = (xs: readonly string[]) => (xs.length === 1 && xs[0] === '*' ? 'Any' : xs.join(', '));

function rowOf(r: NsgRule): Row {
  const src = any(r.sourcePorts);
  return {
    priority: r.priority,
    name: r.name,
    direction: r.direction,
    access: r.access,
    protocol: r.protocol === '*' ? 'Any' : r.protocol.toUpperCase(),
    source: any(r.sourcePrefixes),
    destination: any(r.destinationPrefixes),
    ports: src === 'Any' ? any(r.destinationPorts) : `${any(r.destinationPorts)} (from ${src})`,
    builtIn: false,
  };
}

export function NsgRulesTable({ rules }: { rules: readonly NsgRule[] }) {
  const [q, setQ] = useState('');
  const rows = useMemo(
    () =>
      [...rules.map(rowOf), ...DEFAULTS].sort(
        (a, b) => a.direction.localeCompare(b.direction) || a.priority - b.priority,
      ),
    [rules],
  );
  const needle = q.trim().toLowerCase();
  const shown = needle
    ? rows.filter((r) => Object.values(r).some((v) => String(v).toLowerCase().includes(needle)))
    : rows;
  return (
    <div className="nsg-rules" data-testid="nsg-rules">
      <div className="nsg-rules-head">
        <h3>Security rules</h3>
        <input
          className="path-input"
          value={q}
          onChange={(e) => setQ(e.target.value)}
          placeholder="Filter rules"
          aria-label="Filter rules"
        />
        <span className="muted small num" data-testid="nsg-rule-count">
          {needle ? `${shown.length} of ${rows.length}` : `${rows.length} rules`}
        </span>
      </div>
      <table className="nsg-table">
        <thead>
          <tr>
            <th>Priority</th>
            <th>Name</th>
            <th>Direction</th>
            <th>Access</th>
            <th>Protocol</th>
            <th>Source</th>
            <th>Destination</th>
            <th>Ports</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((r) => (
            <tr
              key={`${r.direction}-${r.priority}-${r.name}`}
              className={r.builtIn ? 'builtin' : ''}
              data-rule={r.name}
            >
              <td className="num">{r.priority}</td>
              <td>{r.name}</td>
              <td>{r.direction}</td>
              <td className={r.access === 'Deny' ? 'deny' : 'allow'}>{r.access}</td>
              <td>{r.protocol}</td>
              <td className="mono-inline">{r.source}</td>
              <td className="mono-inline">{r.destination}</td>
              <td className="mono-inline">{r.ports}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
