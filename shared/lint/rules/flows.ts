// Lint through the reach engine: every flow a scenario needs, and every intent the admin wrote, is walked hop by
// hop. A blocked needed flow names the scenario that needs it, the route, rule or missing prefix that blocks it,
// and the other scenario that owns that element when it is not the same one (the conflicts no single rule sees).
import type { FindingDraft, Rule } from '../types';
import { formatPath } from '../../model/path';
import { checkFlow, decidingHop, describeDecider, describeFlow, intentFlows, neededFlows, type FlowOutcome } from '../../reach/flows';

function reachCommand(o: FlowOutcome): string {
  const f = o.flow;
  const from = o.result?.query.from ?? f.from;
  return `junction reach <workspace> --from ${from} --to ${f.to} --port ${f.port}${f.protocol === 'Udp' ? ' --proto udp' : ''}`;
}

function fixFor(o: FlowOutcome): string {
  const d = o.blocker?.decidedBy;
  const f = o.flow;
  const walk = `; \`${reachCommand(o)}\` shows every hop`;
  switch (d?.kind) {
    case 'nsg-rule': {
      const [nsg, rule] = d.name.split('/');
      return `add an Allow rule for ${f.protocol.toUpperCase()} ${f.port} to ${f.to} in NSG "${nsg}" with a lower priority number than "${rule}", or move the hosts that need it off that NSG${walk}`;
    }
    case 'host-route':
      return `fix the routing of ${o.blocker!.at}: the route it picks does not lead to ${f.to} (seed 001: metrics so the intended interface wins, static routes for the management networks)${walk}`;
    case 'azure-route':
      return `change or remove route "${d.name}" for this destination, or give the subnet a route that leads there${walk}`;
    case 'vpn-connection':
      return `add the source's prefix to ${d.name.replace(/ addressPrefixes$/, '')}'s address prefixes (and its on-premises route), so Azure routes replies back through the VPN${walk}`;
    case 'license-link':
      return `correct ${d.name} as the hop says${walk}`;
    default:
      return `add what the hop names as missing${walk}`;
  }
}

export const neededFlowBlocked: Rule = {
  id: 'FLOW001',
  name: 'needed-flow-blocked',
  severity: 'error',
  seeds: ['000', '001', '002', '003', '004'],
  title: 'Every flow a scenario needs is reachable through routes, VPNs and NSGs',
  explanation:
    "Each scenario depends on flows (License Link: nodes to the license ports and Azure Connect's outbound 443; CycleCloud: 5672/9443 from the cluster, 443 to its service tags, the web UI from on-premises; Remote Console: VMConnect 2179 and WinRM 5985 to the hosts, 443 to the RD Gateway; HNV: VMM to the gateway VM, NAT to the Internet, IKEv2 500/4500; seed 003: the head node to Azure's management API). Another scenario's rule — a deny-Internet NSG on the nodes' subnet, a route that wins on a dual-homed host — can break one silently; the reach engine walks each flow and names the element that blocks it.",
  check({ lookup: l }) {
    const out: FindingDraft[] = [];
    for (const flow of neededFlows(l)) {
      const o = checkFlow(l, flow);
      if (o.ok || o.verdict === 'unresolved') continue; // unresolved: a dangling reference, which REF rules report
      const d = o.blocker?.decidedBy;
      const others = (o.blockerOwners ?? []).filter((s) => s !== flow.owner);
      const where = d?.path ? ` at ${formatPath(d.path)}` : '';
      out.push({
        message: `${flow.owner} needs ${describeFlow(flow)} (${flow.why}), but it is ${o.verdict === 'blocked' ? 'blocked' : 'not routed'} by ${describeDecider(d)}${where}${others.length ? `, which belongs to ${others.join(' and ')}` : ''}: ${o.blocker?.text ?? ''}`,
        path: d?.path ?? flow.ownerPath,
        fix: fixFor(o),
      });
    }
    return out;
  },
};

export const intentViolated: Rule = {
  id: 'FLOW002',
  name: 'intent-violated',
  severity: 'error',
  seeds: ['000', '001', '002', '003', '004'],
  title: "The workspace's reachability intents hold",
  explanation:
    'Intents are the flows the admin asserts (`intents: [{ from, to, port, proto, expect, why }]`): "nodes must reach the license server" and "CycleCloud must never reach the Internet" alike. A change that opens a flow expected blocked, or closes one expected reachable, is reported with the route or rule that decided it.',
  check({ lookup: l }) {
    const out: FindingDraft[] = [];
    for (const flow of intentFlows(l)) {
      const o = checkFlow(l, flow);
      if (o.ok) continue;
      const i = flow.ownerPath[1] as number;
      if (o.verdict === 'unresolved') {
        out.push({
          message: `${flow.owner} ("${flow.why}") cannot be checked: ${o.error}`,
          path: ['intents', i],
          fix: 'name a host id, name or FQDN, a subnet id, an address, or (as "to") a service tag that the workspace has',
        });
        continue;
      }
      const hop = decidingHop(o);
      const d = hop?.decidedBy;
      out.push({
        message: `${flow.owner} ("${flow.why}"): ${describeFlow(flow)} is ${o.verdict === 'reachable' ? 'reachable' : o.verdict === 'blocked' ? 'blocked' : 'not routed'}, expected ${flow.expect}; decided by ${describeDecider(d)}${d?.path ? ` at ${formatPath(d.path)}` : ''}`,
        path: ['intents', i],
        fix:
          flow.expect === 'blocked'
            ? `add a Deny rule (or remove the route) so ${describeFlow(flow)} stops; \`${reachCommand(o)}\` shows the path that lets it through`
            : fixFor(o),
      });
    }
    return out;
  },
};

export const FLOW_RULES: readonly Rule[] = [neededFlowBlocked, intentViolated];
