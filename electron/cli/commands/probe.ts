import { parseArgs } from 'node:util';
import { relative } from 'node:path';
import type { Command } from '../io';
import { CliError } from '../io';
import { loadOrExplain } from '../load';
import { probeSets } from '../../health/sets';
import { overallStatus, runProbes } from '../../health/run';
import { appendHistory } from '../../health/history';
import { historyFileFor } from '../../health/files';
import { ProbeSelectionError, readCaFile, selectProbes } from '../../health/select';
import type { ProbeResult, ProbeSpec } from '../../health/types';

const DIRECT = ['tcp', 'tls', 'https', 'amqp', 'dns'] as const;
type Direct = (typeof DIRECT)[number];

export const probeCommand: Command = {
  name: 'probe',
  summary: 'live checks: DNS, TCP, TLS (expiry), HTTPS, AMQP; workspace probe sets kept as a time series',
  usage: `junction probe <workspace> [--set NAME] [--list] [--json] [--history FILE|none]
junction probe tcp|tls|amqp HOST:PORT [--servername NAME] [--json]
junction probe https URL [--json]
junction probe dns NAME [--dns-server ADDR[:PORT]] [--json]

  Workspace mode runs the probe sets derived from the model, from this machine:
    cyclecloud-outbound   DNS + HTTPS to the endpoints CycleCloud needs (seed 002); run on the CycleCloud VM
    cyclecloud-cluster    AMQP 0-9-1 handshake on 5672 and TLS on 9443 to the CycleCloud VM; run on a cluster node
    license-link          TCP to the license server's ports; run on an Azure compute node (through the link)
  Results are appended, one JSON object per line, to the history file (default: <workspace>.health.jsonl
  beside the workspace; "--history none" keeps nothing).

  --list              print the probes of the set(s) without sending anything
  --timeout MS        per-probe deadline (default 5000)
  --concurrency N     probes in flight at once (default 32)
  --ca FILE           extra trusted CA certificates (PEM), e.g. a TLS-inspecting proxy's
  TLS results warn when the certificate expires within 30 days (and again within 7); expired, untrusted or
  misnamed certificates fail.

  Exit code: 0 all probes ok (warnings allowed), 1 a probe failed or was cancelled, 2 bad input.`,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        set: { type: 'string', multiple: true },
        list: { type: 'boolean' },
        json: { type: 'boolean' },
        history: { type: 'string' },
        timeout: { type: 'string' },
        concurrency: { type: 'string' },
        ca: { type: 'string' },
        servername: { type: 'string' },
        'dns-server': { type: 'string', multiple: true },
      },
    });
    const timeoutMs = intOption(values.timeout, '--timeout', 5000, 1, 600_000);
    const concurrency = intOption(values.concurrency, '--concurrency', 32, 1, 1024);
    const ca = values.ca ? await readCa(values.ca) : undefined;
    const first = positionals[0];
    if (first === undefined) throw new CliError('probe needs a workspace or a probe kind', 'junction probe <workspace> --list, or junction probe tcp HOST:PORT');
    let specs: ProbeSpec[];
    let historyFile: string | undefined;
    if ((DIRECT as readonly string[]).includes(first)) {
      if (positionals.length !== 2) throw new CliError(`probe ${first} takes one target`, usageFor(first as Direct));
      specs = [directSpec(first as Direct, positionals[1]!, values.servername)];
      historyFile = values.history && values.history !== 'none' ? values.history : undefined;
    } else {
      if (positionals.length !== 1) throw new CliError('probe takes exactly one workspace file', 'junction probe <workspace> [--set NAME]');
      const loaded = await loadOrExplain(first, io, values.json === true);
      if (!loaded) return 2;
      const sets = probeSets(loaded.workspace);
      const wanted = values.set ?? sets.map((s) => s.name);
      specs = cliErrors(() => selectProbes(sets, first, wanted));
      historyFile = values.history === 'none' ? undefined : (values.history ?? defaultHistory(first));
      if (values.list) {
        if (values.json) io.out(JSON.stringify(sets.filter((s) => wanted.includes(s.name)), null, 2) + '\n');
        else for (const s of specs) io.out(`${s.set}  ${s.kind.padEnd(5)}  ${describe(s)}  (run from ${s.runFrom ?? 'anywhere'})\n`);
        return 0;
      }
    }
    const controller = new AbortController();
    const onSigint = () => controller.abort();
    process.once('SIGINT', onSigint);
    let results: ProbeResult[];
    try {
      results = await runProbes(specs, {
        timeoutMs,
        concurrency,
        ca,
        dnsServers: values['dns-server'],
        signal: controller.signal,
        onResult: values.json ? undefined : (r) => io.out(line(r)),
      });
    } finally {
      process.removeListener('SIGINT', onSigint);
    }
    if (historyFile) await appendHistory(historyFile, results);
    const status = overallStatus(results);
    if (values.json) io.out(JSON.stringify({ status, history: historyFile, results }, null, 2) + '\n');
    else {
      const count = (s: string) => results.filter((r) => r.status === s).length;
      io.out(`${results.length} probe${results.length === 1 ? '' : 's'}: ${count('ok')} ok, ${count('warning')} warning, ${count('fail')} failed${count('cancelled') ? `, ${count('cancelled')} cancelled` : ''}`);
      io.out(historyFile ? `; appended to ${relative(io.cwd, historyFile) || historyFile}\n` : '\n');
      const meantFor = [...new Set(specs.map((s) => s.runFrom).filter((x): x is string => !!x))];
      if (meantFor.length)
        io.out(
          `taken from this machine; these probes are meant to run from ${meantFor.join(', ')}: only those hosts' far-side reports (collect-health in the bundle) set the links' status\n`,
        );
    }
    return status === 'ok' || status === 'warning' ? 0 : 1;
  },
};

function line(r: ProbeResult): string {
  const mark = { ok: 'ok  ', warning: 'WARN', fail: 'FAIL', cancelled: 'STOP' }[r.status];
  return `${mark}  ${r.kind.padEnd(5)}  ${r.target}  ${r.ms} ms  ${r.message}\n`;
}

function describe(s: ProbeSpec): string {
  return s.kind === 'dns' ? s.name : s.kind === 'https' ? s.url : `${s.host}:${s.port}`;
}

function usageFor(kind: Direct): string {
  return kind === 'https' ? 'junction probe https https://host[:port]/path' : kind === 'dns' ? 'junction probe dns NAME [--dns-server 10.0.0.2]' : `junction probe ${kind} HOST:PORT`;
}

function directSpec(kind: Direct, target: string, servername: string | undefined): ProbeSpec {
  const id = `${kind}:${target}`;
  if (kind === 'dns') return { id, kind, name: target };
  if (kind === 'https') {
    if (!/^https:\/\//i.test(target)) throw new CliError(`"${target}" is not an https:// URL`, usageFor(kind));
    return { id, kind, url: target };
  }
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(target);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port < 1 || port > 65535) throw new CliError(`"${target}" is not HOST:PORT`, `${usageFor(kind)} (IPv6: [2001:db8::1]:443)`);
  const host = (m[1] ?? m[2])!;
  return kind === 'tls' ? { id, kind, host, port, servername } : { id, kind, host, port };
}

function intOption(v: string | undefined, name: string, dflt: number, min: number, max: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new CliError(`${name} "${v}" is not a whole number from ${min} to ${max}`);
  return n;
}

async function readCa(file: string): Promise<string> {
  try {
    return await readCaFile(file, `--ca ${file}`);
  } catch (e) {
    if (e instanceof ProbeSelectionError) throw new CliError(e.message, e.fix);
    throw e;
  }
}

function cliErrors<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ProbeSelectionError) throw new CliError(e.message, e.fix);
    throw e;
  }
}

/** Kept for the commands that import it from here; the host uses the same function. */
export const defaultHistory = historyFileFor;

