// Model vs what was observed: each host's latest state report (collect-state) and Azure's last read (the plan
// snapshot). Every difference names where the model says otherwise (a workspace path), what was observed and when,
// and the generated step that puts it right — or says that no step does and the model should change instead.
import type { Workspace } from '../model/schema';
import type { RunbookStep, Scenario } from '../generate/types';
import { computePlan, type LiveResource } from '../azure/plan';
import type { DesiredResource } from '../azure/desired';
import type { HostState, ObservedRoute } from './report';

export type DriftKind =
  | 'host-not-observed'
  | 'interface-missing'
  | 'address-missing'
  | 'interface-metric'
  | 'route-missing'
  | 'route-metric'
  | 'route-extra'
  | 'certificate-missing'
  | 'certificate-expiring'
  | 'certificate-expired'
  | 'certificate-eku'
  | 'rras'
  | 'relay-account'
  | 'staging-missing'
  | 'staging-extra'
  | 'vmm-missing'
  | 'azure';

export interface DriftFix {
  /** The runbook step (generate/bundle numbering) that sets this, when one does. */
  step?: number;
  title?: string;
  files?: string[];
  /** What to do, in words: run that step, `junction azure apply`, or change the model. */
  text: string;
}

export interface DriftItem {
  kind: DriftKind;
  /** Workspace host id, or "azure". */
  host: string;
  /** Where the model says otherwise. */
  path: string;
  expected: unknown;
  observed: unknown;
  /** When it was observed (the report's collection time, or the snapshot's). */
  observedAt?: string;
  /** The report or snapshot it comes from. */
  source?: string;
  message: string;
  fix: DriftFix;
}

export interface ObservedHost {
  state: HostState;
  file: string;
}

export interface DriftInput {
  ws: Workspace;
  /** Lower-cased host id or computer name → its latest state. */
  observed: ReadonlyMap<string, ObservedHost>;
  steps: readonly RunbookStep[];
  azure?: { desired: readonly DesiredResource[]; live: readonly LiveResource[]; savedAt: string; source: string };
  now: Date;
  /** A certificate that lapses within this many days is reported (default 30). */
  expiringDays?: number;
}

const EXPIRING_DAYS = 30;
const norm = (s: string) => s.toLowerCase();
const sameSubject = (a: string, b: string) => norm(a).replace(/\s*,\s*/g, ',').trim() === norm(b).replace(/\s*,\s*/g, ',').trim();
/** Windows writes 0.0.0.0 for an on-link next hop; iproute2 leaves the gateway out. */
const hop = (s: string) => (s === '' ? '0.0.0.0' : s.toLowerCase());
const isDefault = (d: string) => d === '0.0.0.0/0' || d === '::/0';

function fixFrom(steps: readonly RunbookStep[], hostId: string, scenarios: readonly Scenario[], fallback: string): DriftFix {
  const step = steps.find((s) => s.target.id === hostId && scenarios.includes(s.scenario));
  if (!step) return { text: fallback };
  return {
    step: step.number,
    title: step.title,
    files: step.files,
    text: `run step ${step.number} (${step.title})${step.files.length ? `: ${step.files.join(', ')}` : ''}; it re-applies safely`,
  };
}

const NO_STEP = 'no generated step sets this: change the model to what was observed, or set it by hand';

export function computeDrift(input: DriftInput): DriftItem[] {
  const { ws, observed, steps, now } = input;
  const out: DriftItem[] = [];
  const expiring = (input.expiringDays ?? EXPIRING_DAYS) * 86_400_000;

  ws.hosts.forEach((h, hi) => {
    if (h.roles.includes('compute-node-group')) return; // many machines, one model: not one report
    const seen = observed.get(norm(h.id)) ?? observed.get(norm(h.name)) ?? (h.fqdn ? observed.get(norm(h.fqdn)) : undefined);
    const hostPath = `$.hosts[${hi}]`;
    if (!seen) return;
    const st = seen.state;
    const at = { observedAt: st.collected, source: seen.file };
    const routesFix = () => fixFrom(steps, h.id, ['gateway-routes'], NO_STEP);
    const add = (item: Omit<DriftItem, 'host' | 'observedAt' | 'source'>) => out.push({ host: h.id, ...at, ...item });
    const hasNetwork = st.interfaces.length > 0 || st.routes.length > 0;

    // Interfaces: addresses and metrics.
    if (hasNetwork)
      h.interfaces.forEach((itf, ii) => {
        const p = `${hostPath}.interfaces[${ii}]`;
        const o = st.interfaces.find((x) => norm(x.name) === norm(itf.name));
        if (!o) {
          if (itf.address || itf.interfaceMetric !== undefined)
            add({ kind: 'interface-missing', path: `${p}.name`, expected: itf.name, observed: st.interfaces.map((x) => x.name), message: `${h.name} has no interface "${itf.name}"`, fix: { text: 'rename the adapter on the host to the model\'s name, or change the model to the name the host uses' } });
          return;
        }
        for (const [field, want] of [['address', itf.address], ['ipv6Address', itf.ipv6Address]] as const) {
          if (!want) continue;
          if (!o.addresses.some((a) => norm(a) === norm(want)))
            add({ kind: 'address-missing', path: `${p}.${field}`, expected: want, observed: o.addresses, message: `${h.name} ${itf.name} does not have ${want}`, fix: { text: `${NO_STEP} (Junction does not set interface addresses)` } });
        }
        if (itf.interfaceMetric !== undefined && st.os === 'windows' && o.interfaceMetric !== itf.interfaceMetric)
          add({
            kind: 'interface-metric',
            path: `${p}.interfaceMetric`,
            expected: itf.interfaceMetric,
            observed: o.interfaceMetric ?? 'automatic',
            message: `${h.name} ${itf.name} interface metric is ${o.interfaceMetric ?? 'automatic'}, the model says ${itf.interfaceMetric}`,
            fix: routesFix(),
          });
      });

    // Routes: the model's static routes and default routes must be there with their metrics.
    const wanted: { destination: string; nextHop: string; metric?: number; path: string }[] = [];
    h.staticRoutes.forEach((r, ri) => wanted.push({ destination: r.destination, nextHop: r.nextHop, ...(r.metric !== undefined ? { metric: r.metric } : {}), path: `${hostPath}.staticRoutes[${ri}]` }));
    h.interfaces.forEach((itf, ii) => {
      if (itf.defaultGateway)
        wanted.push({ destination: itf.defaultGateway.includes(':') ? '::/0' : '0.0.0.0/0', nextHop: itf.defaultGateway, ...(itf.routeMetric !== undefined ? { metric: itf.routeMetric } : {}), path: `${hostPath}.interfaces[${ii}]` });
    });
    if (hasNetwork) {
      for (const w of wanted) {
        const o = st.routes.find((r) => norm(r.destination) === norm(w.destination) && hop(r.nextHop) === hop(w.nextHop));
        if (!o) {
          add({ kind: 'route-missing', path: w.path, expected: `${w.destination} via ${w.nextHop}`, observed: st.routes.filter((r) => norm(r.destination) === norm(w.destination)).map(show), message: `${h.name} has no route to ${w.destination} via ${w.nextHop}`, fix: routesFix() });
          continue;
        }
        if (w.metric !== undefined && o.metric !== w.metric)
          add({
            kind: 'route-metric',
            path: w.path.includes('staticRoutes') ? `${w.path}.metric` : `${w.path}.routeMetric`,
            expected: w.metric,
            observed: o.metric ?? null,
            message: `${h.name} route to ${w.destination} via ${w.nextHop} has metric ${o.metric ?? '(none)'}, the model says ${w.metric}`,
            fix: routesFix(),
          });
      }
      // Routes someone added by hand: static (Windows NetMgmt, or a Linux route with a gateway) and not modelled.
      for (const r of st.routes) {
        const staticRoute = st.os === 'windows' ? r.protocol === 'NetMgmt' : !['kernel', 'dhcp', 'ra', 'redirect'].includes(r.protocol ?? 'boot');
        if (!staticRoute || isDefault(r.destination) || hop(r.nextHop) === '0.0.0.0' || hop(r.nextHop) === '::') continue;
        if (wanted.some((w) => norm(w.destination) === norm(r.destination) && hop(w.nextHop) === hop(r.nextHop))) continue;
        add({ kind: 'route-extra', path: `${hostPath}.staticRoutes`, expected: null, observed: show(r), message: `${h.name} has a static route the model does not: ${show(r)}`, fix: { text: 'add it to the host\'s staticRoutes if it is meant to be there; otherwise remove it on the host (Remove-NetRoute / ip route del)' } });
      }
    }

    // Certificates in the stores the model places them in.
    if (st.os === 'windows')
      ws.certificates.forEach((c, ci) =>
        c.placements.forEach((pl, pi) => {
          if (pl.host !== h.id || !pl.store.includes('\\')) return;
          const p = `$.certificates[${ci}].placements[${pi}]`;
          const certFix = fixFrom(steps, h.id, ['remote-console', 'hpc-management-certificate', 'license-link', 'hnv-gateway'], NO_STEP);
          const inStore = st.certificates.filter((x) => norm(x.store) === norm(pl.store));
          const found = inStore.find((x) => (c.thumbprint ? norm(x.thumbprint) === norm(c.thumbprint) : sameSubject(x.subject, c.subject)));
          if (!found) {
            add({ kind: 'certificate-missing', path: p, expected: `${c.subject}${c.thumbprint ? ` (${c.thumbprint})` : ''} in ${pl.store}`, observed: inStore.map((x) => `${x.subject} (${x.thumbprint})`), message: `${h.name} has no ${c.name} in ${pl.store}`, fix: certFix });
            return;
          }
          const left = Date.parse(found.notAfter) - now.getTime();
          if (left <= 0)
            add({ kind: 'certificate-expired', path: `$.certificates[${ci}].notAfter`, expected: c.notAfter, observed: found.notAfter, message: `${c.name} on ${h.name} (${pl.store}) expired ${found.notAfter}`, fix: { text: `issue a new certificate (junction cert), update notAfter/thumbprint in the model, then ${certFix.step ? `run step ${certFix.step}` : 'import it on the host'}` } });
          else if (left <= expiring)
            add({ kind: 'certificate-expiring', path: `$.certificates[${ci}].notAfter`, expected: c.notAfter, observed: found.notAfter, message: `${c.name} on ${h.name} (${pl.store}) expires ${found.notAfter}, within ${input.expiringDays ?? EXPIRING_DAYS} days`, fix: { text: `renew it before then: issue a new certificate (junction cert), update the model, then ${certFix.step ? `run step ${certFix.step}` : 'import it on the host'}` } });
          const missingEku = c.extendedKeyUsage.filter((e) => !found.eku.includes(e));
          if (missingEku.length)
            add({ kind: 'certificate-eku', path: `$.certificates[${ci}].extendedKeyUsage`, expected: c.extendedKeyUsage, observed: found.eku, message: `${c.name} on ${h.name} lacks EKU ${missingEku.join(', ')}`, fix: { text: `the certificate on the host is not the one the model describes: ${certFix.text}` } });
        }),
      );

    // RRAS and the relay account on a License Link junction box.
    ws.licenseLinks.forEach((ll, li) => {
      if (ll.junctionBox !== h.id || st.os !== 'windows') return;
      const llFix = fixFrom(steps, h.id, ['license-link'], NO_STEP);
      if (!st.rras || !st.rras.installed)
        add({ kind: 'rras', path: `$.licenseLinks[${li}].vpn`, expected: 'RRAS VPN installed', observed: st.rras ? st.rras.vpnStatus ?? 'not installed' : 'RRAS not present', message: `${h.name} is the junction box of ${ll.name} but RRAS VPN is not installed`, fix: llFix });
      const v6 = st.rras?.ipv6Config;
      const prefix = ll.ipv6Prefix.toLowerCase().replace(/:+$/, '');
      if (st.rras?.installed && v6 && !v6.toLowerCase().includes(prefix))
        add({ kind: 'rras', path: `$.licenseLinks[${li}].ipv6Prefix`, expected: ll.ipv6Prefix, observed: v6.trim().split(/\r?\n/).filter((l) => /prefix/i.test(l)).join('; ') || v6.trim().slice(0, 200), message: `${h.name} RRAS hands out another IPv6 prefix than ${ll.ipv6Prefix}`, fix: llFix });
      const acct = st.relayAccounts.find((a) => norm(a.name) === norm(ll.relayAccount.name));
      if (acct && (!acct.exists || acct.enabled === false))
        add({ kind: 'relay-account', path: `$.licenseLinks[${li}].relayAccount.name`, expected: `${ll.relayAccount.name} (enabled)`, observed: acct.exists ? 'disabled' : 'does not exist', message: `relay account ${ll.relayAccount.name} on ${h.name} ${acct.exists ? 'is disabled' : 'does not exist'}`, fix: llFix });
    });

    // VMM's logical and VM networks, as the VMM server lists them.
    if (st.vmm && h.roles.includes('vmm-server')) {
      const vmmFix = fixFrom(steps, h.id, ['hnv-gateway'], NO_STEP);
      const has = (names: readonly string[], n: string) => names.some((x) => norm(x) === norm(n));
      ws.hnv.logicalNetworks.forEach((ln, i) => {
        if (!has(st.vmm!.logicalNetworks, ln.name))
          add({ kind: 'vmm-missing', path: `$.hnv.logicalNetworks[${i}].name`, expected: ln.name, observed: st.vmm!.logicalNetworks, message: `VMM on ${h.name} has no logical network ${ln.name}`, fix: vmmFix });
      });
      ws.hnv.vmNetworks.forEach((vn, i) => {
        if (!has(st.vmm!.vmNetworks, vn.name))
          add({ kind: 'vmm-missing', path: `$.hnv.vmNetworks[${i}].name`, expected: vn.name, observed: st.vmm!.vmNetworks, message: `VMM on ${h.name} has no VM network ${vn.name}`, fix: vmmFix });
      });
    }

    // The CycleCloud staging tree on a CycleCloud server.
    ws.cycleCloud.forEach((cc, ci) => {
      if (cc.server !== h.id || !st.staging) return;
      const files = st.staging.files.map((f) => f.path);
      const stageFix: DriftFix = { text: 'run `junction stage fetch`, build a bundle with --staging, and run its staging step on the server (apply.sh)' };
      const present = new Set(files.map((f) => /^projects\/([^/]+)\/([^/]+)\//.exec(f)).filter((m): m is RegExpExecArray => !!m && m[2] !== 'blobs').map((m) => `${m[1]}/${m[2]}`));
      cc.projects.forEach((p, pi) => {
        if (!present.has(`${p.name}/${p.version}`))
          add({ kind: 'staging-missing', path: `$.cycleCloud[${ci}].projects[${pi}]`, expected: `${st.staging!.root}/projects/${p.name}/${p.version}`, observed: st.staging!.present ? [...present].sort() : 'no staging tree', message: `${h.name} has no staged ${p.name} ${p.version}`, fix: stageFix });
      });
      const modelled = new Set(ws.cycleCloud.filter((x) => x.server === h.id).flatMap((x) => x.projects.map((p) => `${p.name}/${p.version}`)));
      for (const extra of [...present].sort())
        if (!modelled.has(extra))
          add({ kind: 'staging-extra', path: `$.cycleCloud[${ci}].projects`, expected: null, observed: extra, message: `${h.name} has ${extra} staged, which the model does not list`, fix: { text: 'add the project to the model if it is meant to be there; staging never deletes, remove it by hand if not' } });
    });
  });

  // Azure: what the last read (the plan snapshot) holds that the model does not say.
  if (input.azure) {
    const plan = computePlan(input.azure.desired, input.azure.live, { owner: ws.name });
    for (const s of plan.steps) {
      if (s.action === 'NoChange' || s.action === 'Ignore') continue;
      const source = s.desired?.source ?? '$.azure';
      const base = { host: 'azure', observedAt: input.azure.savedAt, source: input.azure.source };
      const fix: DriftFix = {
        text:
          s.action === 'Delete'
            ? `\`junction azure apply\` deletes it (it carries this workspace's tag); or \`junction azure import\` takes it into the model`
            : `\`junction azure plan\` then \`junction azure apply\` sets it back; or \`junction azure import\` takes Azure's value into the model`,
      };
      if (s.action !== 'Modify') {
        out.push({ kind: 'azure', ...base, path: source, expected: s.action === 'Create' ? 'exists' : null, observed: s.action === 'Create' ? 'missing' : 'exists', message: `${s.kind} ${s.name} ${s.action === 'Create' ? 'is modelled but not in Azure' : 'is in Azure (tagged for this workspace) but not modelled'}`, fix });
        continue;
      }
      for (const c of s.changes)
        out.push({ kind: 'azure', ...base, path: `${source} → ${c.path}`, expected: c.after, observed: c.before, message: `${s.kind} ${s.name}: ${c.path} differs in Azure`, fix });
    }
  }
  return out;
}

function show(r: ObservedRoute): string {
  return `${r.destination} via ${r.nextHop}${r.interface ? ` on ${r.interface}` : ''}${r.metric !== undefined ? ` metric ${r.metric}` : ''}`;
}

/** Hosts the model has (one machine each) that no report covers: drift cannot be judged for them. */
export function unobservedHosts(ws: Workspace, observed: ReadonlyMap<string, ObservedHost>): string[] {
  return ws.hosts
    .filter((h) => !h.roles.includes('compute-node-group'))
    .filter((h) => !observed.has(norm(h.id)) && !observed.has(norm(h.name)) && !(h.fqdn && observed.has(norm(h.fqdn))))
    .map((h) => h.id);
}

export function formatDrift(items: readonly DriftItem[]): string {
  const lines: string[] = [];
  for (const d of items) {
    lines.push(`~ ${d.host}: ${d.message}`);
    lines.push(`    model:    ${d.path} = ${JSON.stringify(d.expected)}`);
    lines.push(`    observed: ${JSON.stringify(d.observed)}${d.observedAt ? ` at ${d.observedAt}` : ''}${d.source ? ` (${d.source})` : ''}`);
    lines.push(`    fix:      ${d.fix.text}`);
  }
  return lines.join('\n') + (lines.length ? '\n' : '');
}
