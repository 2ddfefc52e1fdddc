import { parseArgs } from 'node:util';
import type { Command } from '../io';
import { CliError } from '../io';
import { loadOrExplain } from '../load';
import { formatReach, normaliseProtocol, reach, ReachInputError } from '../../../shared/reach';
import { formatPath } from '../../../shared/model/path';

export const reachCommand: Command = {
  name: 'reach',
  summary: 'can A reach B on a port? answered offline from the model, hop by hop',
  usage: `junction reach <workspace> --from X --to Y --port P [--proto tcp|udp] [--json]

  Walks the flow through the model: the source host's routing table (longest prefix, then route metric +
  interface metric), the site's routing, the License Link junction box, site-to-site VPNs, Azure route tables
  (user > gateway/BGP > system routes) and NSGs (subnet and NIC, first match, default rules, service tags), and
  prints each hop with the route or rule that decided it.

  X, Y        a host id, name or FQDN; a subnet id (a node of that subnet); an address.
              Y may also be a service tag: Internet, Storage, AzureActiveDirectory, AzureResourceManager, ...
  --port P    destination port (1–65535)
  --proto     tcp (default) or udp
  --json      the full result (verdict, hops, the workspace path of each deciding rule) as JSON

  Exit code: 0 reachable, 1 blocked or no route, 2 bad input (unknown host, bad port, unreadable workspace).

  Examples:
    junction reach examples/contoso-hybrid.junction.json --from azure-nodes --to lic01 --port 27000
    junction reach examples/contoso-hybrid.junction.json --from cc01 --to Internet --port 443
    junction reach examples/contoso-hybrid.junction.json --from gwvm01 --to Internet --port 443`,
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
      },
    });
    if (positionals.length !== 1) throw new CliError('reach takes exactly one workspace file', 'junction reach <workspace> --from X --to Y --port P');
    if (!values.from || !values.to || values.port === undefined)
      throw new CliError('--from, --to and --port are all required', 'e.g. junction reach ws.junction.json --from cc01 --to Storage --port 443');
    if (!/^\d{1,5}$/.test(values.port) || Number(values.port) < 1 || Number(values.port) > 65535)
      throw new CliError(`--port "${values.port}" is not a port`, 'give a number from 1 to 65535');
    const loaded = await loadOrExplain(positionals[0]!, io, values.json === true);
    if (!loaded) return 2;
    let result;
    try {
      result = reach(loaded.workspace, { from: values.from, to: values.to, port: Number(values.port), protocol: normaliseProtocol(values.proto) });
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
    } else io.out(formatReach(result));
    return result.verdict === 'reachable' ? 0 : 1;
  },
};
