// A reachability query on a synthetic estate with 10,000 NSG rules and 5,000 routes (target < 50 ms/query).
// The baseline measured in the same run is shared/nsg/evaluate alone for the NSG crossings of one flow: the ratio
// is what the walk (resolution, route lookup, explanation) costs on top of the NSG decisions it must make anyway.
import { reach } from '../shared/reach';
import { buildLookup } from '../shared/model/lookup';
import { evaluateNsg } from '../shared/nsg/evaluate';
import { vnetContext } from '../shared/lint/rules/cyclecloud';
import { loadWorkspace } from '../shared/model/load';
import { readFileSync } from 'node:fs';

const example = JSON.parse(readFileSync(new URL('../examples/contoso-hybrid.junction.json', import.meta.url), 'utf8'));
// Deterministic pseudo-random numbers so runs compare.
let seed = 42;
const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);

const nsgRules = (n: number, dir: 'Inbound' | 'Outbound') =>
  Array.from({ length: n }, (_, i) => ({
    name: `r${dir[0]}${i}`,
    priority: 100 + i,
    direction: dir,
    access: rnd(2) ? 'Allow' : 'Deny',
    protocol: 'Tcp',
    sourcePrefixes: [`172.${16 + rnd(16)}.${rnd(256)}.0/24`],
    destinationPrefixes: [`172.${16 + rnd(16)}.${rnd(256)}.0/24`],
    destinationPorts: [String(1024 + rnd(60000))],
  }));
// 2,500 rules in each direction on each of the two NSGs the cluster → CycleCloud flow crosses: 10,000 in all,
// none of which matches, so every query evaluates all of them before the seed's allow rules.
for (const nsg of example.azure.nsgs) {
  const keep = nsg.rules.map((r: { priority: number }) => ({ ...r, priority: r.priority + 2600 - 100 }));
  nsg.rules = [...nsgRules(2500, 'Inbound'), ...nsgRules(2500, 'Outbound'), ...keep];
}
example.azure.routeTables[0].routes.push(
  ...Array.from({ length: 4999 }, (_, i) => ({ name: `u${i}`, addressPrefix: `172.${16 + (i % 16)}.${i % 256}.${(i * 8) % 256}/29`, nextHopType: 'VirtualAppliance', nextHopIpAddress: '10.50.4.250' })),
);
const loaded = loadWorkspace(JSON.stringify(example), 'synthetic.json');
if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems.slice(0, 3)));
const ws = loaded.workspace;
const ruleCount = ws.azure.nsgs.reduce((n, s) => n + s.rules.length, 0);
const routeCount = ws.azure.routeTables.reduce((n, t) => n + t.routes.length, 0);

const queries = [
  { from: 'snet-cluster', to: 'cc01', port: 5672 },
  { from: 'snet-cluster', to: 'cc01', port: 9443 },
  { from: 'snet-cluster', to: 'vmm01', port: 443 },
  { from: 'cc01', to: 'Storage', port: 443 },
  { from: 'cc01', to: '93.184.216.34', port: 443 },
];
function time(label: string, n: number, fn: () => void): number {
  fn();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) fn();
  const per = (performance.now() - t0) / n / queries.length;
  console.log(`${label.padEnd(58)} ${per.toFixed(2)} ms/query`);
  return per;
}
console.log(`model: ${ruleCount} NSG rules, ${routeCount} user routes`);
const l = buildLookup(ws);
const cold = time('reach, fresh lookup each query (cold route compilation)', 10, () => {
  for (const q of queries) reach(ws, q);
});
const warm = time('reach, shared lookup (route tables compiled once)', 20, () => {
  for (const q of queries) reach(l, q);
});
// Baseline: only the two NSG evaluations of the cluster → CycleCloud flow, nothing else.
const ctx = vnetContext(l, 'vnet-hpc');
const nsgs = ws.azure.nsgs;
const bare = time('baseline: evaluateNsg alone for the same NSG crossings', 20, () => {
  for (let i = 0; i < queries.length; i++) {
    const flow = { protocol: 'Tcp' as const, source: { address: '10.50.4.4' }, destination: { address: '10.50.2.4' }, destinationPort: 5672 };
    evaluateNsg(nsgs[1]!.rules, { ...flow, direction: 'Outbound' }, ctx);
    evaluateNsg(nsgs[0]!.rules, { ...flow, direction: 'Inbound' }, ctx);
  }
});
const perQueryCold = cold;
const perQueryWarm = warm;
console.log(`per query: ${perQueryCold.toFixed(2)} ms cold, ${perQueryWarm.toFixed(2)} ms warm (target < 50 ms): ${perQueryCold < 50 ? 'MET' : 'MISSED'}`);
console.log(`ratio to bare NSG evaluation: ${(warm / bare).toFixed(2)}x`);
const check = reach(l, queries[0]!);
if (check.verdict !== 'reachable') throw new Error(`synthetic model answered ${check.verdict}`);
