import { parseArgs } from 'node:util';
import type { Command } from '../io';
import { CliError } from '../io';
import { loadOrExplain } from '../load';
import { formatReach, normaliseProtocol, reach, ReachInputError, type ReachOptions } from '../../../shared/reach';
import { formatPath } from '../../../shared/model/path';
import { resolveStateDir } from '../../bundle/trust';
import { serviceTags, ServiceTagsError } from '../../health/service-tags';
import { buildLookup } from '../../../shared/model/lookup';
import { checkFlows, decidingHop, describeDecider, describeFlow, intentFlows, neededFlows, type FlowOutcome } from '../../../shared/reach/flows';
import { diffReach, formatReachDiff, isEmptyReachDiff } from '../../../shared/reach/diff';
import type { CliIo } from '../io';

export const reachCommand: Command = {
  name: 'reach',
  summary: 'can A reach B on a port? answered offline from the model, hop by hop',
  usage: `junction reach <workspace> --from X --to Y --port P [--proto tcp|udp] [--json]
       junction reach <workspace> --intents [--json]
       junction reach --diff OLD NEW [--json]

  Walks the flow through the model: the source host's routing table (longest prefix, then route metric +
  interface metric), the site's routing, the License Link junction box, site-to-site VPNs, Azure route tables
  (user > gateway/BGP > system routes) and NSGs (subnet and NIC, first match, default rules, service tags), and
  prints each hop with the route or rule that decided it.

  X, Y        a host id, name or FQDN; a subnet id (a node of that subnet); an address.
              Y may also be a service tag: Internet, Storage, AzureActiveDirectory, AzureResourceManager, ...
  --port P    destination port (1–65535)
  --proto     tcp (default) or udp
  --json      the full result (verdict, hops, the workspace path of each deciding rule) as JSON
  --service-tags FILE
              Azure's service tags (ServiceTags_Public_<date>.json from Microsoft's download page), so an address
              can match a rule on a tag such as Storage. Kept as the cached list in the state folder and used by
              later queries until another file is given.
  --state-dir DIR   where the cached list lives (JUNCTION_STATE_DIR; default the per-user config folder)

  --intents   walk every flow the workspace's scenarios need (License Link, CycleCloud, Remote Console, HNV, the
              Azure management path) and every intent in \`intents\`; print the ones that fail with the route,
              rule or missing prefix that decided. Exit 0 when all hold, 1 when any fails.
  --diff OLD NEW
              every flow either workspace cares about (needed flows, intents, the subnet/host × port pairs its NSG
              rules mention) whose verdict differs, with the element in NEW that decided it. Exit 0 when nothing
              changed, 1 when something opened, closed or changed.

  Exit code: 0 reachable, 1 blocked or no route, 2 bad input (unknown host, bad port, unreadable workspace).

  Examples:
    junction reach examples/contoso-hybrid.junction.json --from azure-nodes --to lic01 --port 27000
    junction reach examples/contoso-hybrid.junction.json --from cc01 --to Internet --port 443
    junction reach examples/contoso-hybrid.junction.json --from gwvm01 --to Internet --port 443
    junction reach examples/contoso-hybrid.junction.json --intents
    junction reach --diff before.junction.json after.junction.json --json`,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        from: { type: 'string' },
        to: { type: 'string' },
        port: { type: 'string' },
        proto: { type: 'string' },
        json: { type: 'boolean' },
        intents: { type: 'boolean' },
        diff: { type: 'boolean' },
        'service-tags': { type: 'string' },
        'state-dir': { type: 'string' },
      },
    });
    const tagsFor = async () =>
      serviceTags(values['service-tags'], resolveStateDir(values['state-dir'], io.env), io.cwd).catch((e: unknown) => {
        if (e instanceof ServiceTagsError) throw new CliError(e.message, e.fix);
        throw e;
      });
    if (values.diff) {
      if (positionals.length !== 2) throw new CliError('--diff takes two workspace files, the old one first', 'junction reach --diff OLD.junction.json NEW.junction.json');
      return runDiff(positionals[0]!, positionals[1]!, values.json === true, (await tagsFor())?.tags.prefixes, io);
    }
    if (values.intents) {
      if (positionals.length !== 1) throw new CliError('--intents takes exactly one workspace file', 'junction reach <workspace> --intents');
      return runIntents(positionals[0]!, values.json === true, (await tagsFor())?.tags.prefixes, io);
    }
    if (positionals.length !== 1) throw new CliError('reach takes exactly one workspace file', 'junction reach <workspace> --from X --to Y --port P');
    if (!values.from || !values.to || values.port === undefined)
      throw new CliError('--from, --to and --port are all required', 'e.g. junction reach ws.junction.json --from cc01 --to Storage --port 443');
    if (!/^\d{1,5}$/.test(values.port) || Number(values.port) < 1 || Number(values.port) > 65535)
      throw new CliError(`--port "${values.port}" is not a port`, 'give a number from 1 to 65535');
    const loaded = await loadOrExplain(positionals[0]!, io, values.json === true);
    if (!loaded) return 2;
    const tags = await serviceTags(values['service-tags'], resolveStateDir(values['state-dir'], io.env), io.cwd).catch((e: unknown) => {
      if (e instanceof ServiceTagsError) throw new CliError(e.message, e.fix);
      throw e;
    });
    let result;
    try {
      result = reach(
        loaded.workspace,
        { from: values.from, to: values.to, port: Number(values.port), protocol: normaliseProtocol(values.proto) },
        tags ? { serviceTagPrefixes: tags.tags.prefixes } : {},
      );
    } catch (e) {
      if (e instanceof ReachInputError) {
        const hint = e.suggestions.length ? `did you mean ${e.suggestions.map((s) => `"${s}"`).join(', ')}?` : e.fix;
        throw new CliError(`${positionals[0]}: ${e.message}`, hint);
      }
      throw e;
    }
    if (values.json) {
      const hops = result.hops.map((h) => ({
        ...h,
        decidedBy: h.decidedBy ? { ...h.decidedBy, path: h.decidedBy.path ? formatPath(h.decidedBy.path) : undefined } : undefined,
      }));
      const ep = (e: typeof result.source) => ({ label: e.label, host: e.host?.id, address: e.address, tag: e.tag, subnet: e.subnet?.id, zone: e.zone });
      io.out(JSON.stringify({ query: result.query, verdict: result.verdict, source: ep(result.source), destination: ep(result.destination), hops }, null, 2) + '\n');
    } else {
      const external = !result.destination.host && !result.destination.subnet && !result.destination.tag;
      if (tags) io.out(`Service tags: change ${tags.tags.changeNumber} (${tags.tags.cloud}) from ${tags.from}\n`);
      else if (external)
        io.err(
          'note: no service-tag list, so this address matches no tag such as Storage; pass --service-tags ServiceTags_Public_<date>.json once\n',
        );
      io.out(formatReach(result));
    }
    return result.verdict === 'reachable' ? 0 : 1;
  },
};

type TagPrefixes = NonNullable<ReachOptions['serviceTagPrefixes']>;

function outcomeJson(o: FlowOutcome) {
  const d = decidingHop(o)?.decidedBy;
  return {
    kind: o.flow.kind,
    owner: o.flow.owner,
    path: formatPath(o.flow.ownerPath),
    why: o.flow.why,
    from: o.flow.fromLabel ?? o.flow.from,
    sourceUsed: o.result?.query.from,
    to: o.flow.to,
    port: o.flow.port,
    protocol: o.flow.protocol,
    expect: o.flow.expect,
    verdict: o.verdict,
    ok: o.ok,
    decidedBy: d ? { kind: d.kind, name: d.name, path: d.path ? formatPath(d.path) : undefined } : undefined,
    blockedAt: o.blocker?.text,
    blockerOwners: o.blockerOwners?.length ? o.blockerOwners : undefined,
    error: o.error,
  };
}

async function runIntents(file: string, json: boolean, tags: TagPrefixes | undefined, io: CliIo): Promise<number> {
  const loaded = await loadOrExplain(file, io, json);
  if (!loaded) return 2;
  const l = buildLookup(loaded.workspace);
  const opts = tags ? { serviceTagPrefixes: tags } : {};
  const outcomes = checkFlows(l, [...neededFlows(l), ...intentFlows(l)], opts);
  const failing = outcomes.filter((o) => !o.ok);
  if (json) {
    io.out(JSON.stringify({ workspace: file, flows: outcomes.length, failing: failing.length, results: outcomes.map(outcomeJson) }, null, 2) + '\n');
    return failing.length ? 1 : 0;
  }
  const needed = outcomes.filter((o) => o.flow.kind === 'needed');
  const intents = outcomes.filter((o) => o.flow.kind === 'intent');
  for (const o of outcomes) {
    const mark = o.ok ? 'ok  ' : 'FAIL';
    const verdict = o.verdict === 'unresolved' ? `cannot be checked: ${o.error}` : `${o.verdict}${o.flow.expect === 'blocked' ? ' (expected blocked)' : ''}`;
    io.out(`${mark} ${o.flow.owner}: ${describeFlow(o.flow)} — ${verdict}\n`);
    if (!o.ok && o.verdict !== 'unresolved') {
      io.out(`       why: ${o.flow.why}\n`);
      const d = decidingHop(o)?.decidedBy;
      io.out(`       decided by ${describeDecider(d)}${d?.path ? ` at ${formatPath(d.path)}` : ''}${o.blocker ? `: ${o.blocker.text}` : ''}\n`);
      const others = (o.blockerOwners ?? []).filter((x) => x !== o.flow.owner);
      if (others.length) io.out(`       that element belongs to ${others.join(' and ')}\n`);
    }
  }
  const bad = (xs: FlowOutcome[]) => xs.filter((o) => !o.ok).length;
  io.out(`${needed.length} needed flows (${bad(needed)} failing), ${intents.length} intents (${bad(intents)} failing)\n`);
  return failing.length ? 1 : 0;
}

async function runDiff(oldFile: string, newFile: string, json: boolean, tags: TagPrefixes | undefined, io: CliIo): Promise<number> {
  const before = await loadOrExplain(oldFile, io, json);
  if (!before) return 2;
  const after = await loadOrExplain(newFile, io, json);
  if (!after) return 2;
  const d = diffReach(before.workspace, after.workspace, tags ? { serviceTagPrefixes: tags } : {});
  io.out(json ? JSON.stringify({ old: oldFile, new: newFile, ...d }, null, 2) + '\n' : formatReachDiff(d));
  return isEmptyReachDiff(d) ? 0 : 1;
}
