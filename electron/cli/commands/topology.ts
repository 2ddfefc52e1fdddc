// `junction topology`: the workspace as a network diagram (SVG, PNG or DOT) for change records and wikis.
import { parseArgs } from 'node:util';
import { basename, resolve } from 'node:path';
import type { Command } from '../io';
import { CliError } from '../io';
import { loadOrExplain } from '../load';
import { buildDiagram } from '../../../shared/topology/diagram';
import { layoutDiagram } from '../../../shared/topology/layout';
import { renderSvg } from '../../../shared/topology/svg';
import { renderDot } from '../../../shared/topology/dot';
import {
  DETAIL_LEVELS,
  focusDiagram,
  resolveFocus,
  withDetail,
  type DetailLevel,
} from '../../../shared/topology/view';
import { svgToPng, PngError } from '../../topology/png';
import { writeFileAtomic } from '../../services/atomic-write';

const FORMATS = ['svg', 'png', 'dot'] as const;

export const topologyCommand: Command = {
  name: 'topology',
  summary: 'draw the workspace as a network diagram (SVG, PNG or DOT)',
  usage: `junction topology <workspace> --format svg|png|dot --out FILE [--focus ID] [--detail networks|hosts|nics] [--font FILE.ttf]

  Sites as regions, networks and VNets inside them, subnets inside those, hosts on their subnets with one port per
  NIC (address, default route and metric), NSGs and route tables as badges on the subnet they attach to, and
  tunnels (site-to-site, License Link L2TP, HNV) drawn between their real endpoints. The same workspace gives the
  same bytes. See docs/desktop.md (Topology).

  --format F   svg (default from the --out extension), png or dot
  --out FILE   where to write it (written whole or not at all)
  --focus ID   only this object (a workspace id: host, subnet, network, site...), what it contains, its neighbours
  --detail L   networks (sites and networks with host counts), hosts (no NIC ports) or nics (everything; default)
  --font FILE  TrueType font for PNG labels (default: DejaVu Sans, Segoe UI or Arial from the system)`,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        format: { type: 'string' },
        out: { type: 'string' },
        focus: { type: 'string' },
        detail: { type: 'string' },
        font: { type: 'string' },
      },
    });
    if (positionals.length !== 1)
      throw new CliError('topology takes exactly one workspace file', topologyCommand.usage.split('\n')[0]);
    if (!values.out) throw new CliError('--out FILE is required', 'e.g. --out estate.svg');
    const ext = values.out.split('.').pop()?.toLowerCase();
    const format = (values.format ?? ext ?? '') as (typeof FORMATS)[number];
    if (!FORMATS.includes(format))
      throw new CliError(
        `--format "${values.format ?? ''}" is not one of ${FORMATS.join(', ')}`,
        'e.g. --format svg, or an --out name ending in .svg, .png or .dot',
      );
    const detail = (values.detail ?? 'nics') as DetailLevel;
    if (!DETAIL_LEVELS.includes(detail))
      throw new CliError(
        `--detail "${values.detail}" is not one of ${DETAIL_LEVELS.join(', ')}`,
        'networks, hosts or nics',
      );
    const file = resolve(io.cwd, positionals[0]!);
    const loaded = await loadOrExplain(file, io);
    if (!loaded) return 2;
    let diagram = buildDiagram(loaded.workspace);
    let flat = false;
    if (values.focus !== undefined) {
      const ids = resolveFocus(diagram, values.focus);
      if (ids.length === 0) {
        const near = diagram.nodes
          .map((n) => n.id.slice(n.id.indexOf(':') + 1))
          .filter((id) => id.toLowerCase().includes(values.focus!.toLowerCase().slice(0, 3)));
        throw new CliError(
          `--focus "${values.focus}": no object with that id in ${basename(file)}`,
          near.length
            ? `did you mean ${[...new Set(near)].slice(0, 5).join(', ')}?`
            : 'give the id of a host, subnet, network or site',
        );
      }
      // One network's inside is drawn like the console's opened network: subnets with their hosts packed in rows.
      flat = ids.every((id) => diagram.nodes.find((n) => n.id === id)?.kind === 'network');
      diagram = focusDiagram(diagram, ids);
    }
    diagram = withDetail(diagram, detail);
    const title = `${loaded.workspace.name}${values.focus ? ` · ${values.focus}` : ''}`;
    const out = resolve(io.cwd, values.out);
    let data: string | Uint8Array;
    if (format === 'dot') data = renderDot(diagram, title);
    else {
      const svg = renderSvg(await layoutDiagram(diagram, { flat }), title);
      if (format === 'svg') data = svg;
      else {
        try {
          data = await svgToPng(svg, values.font ? resolve(io.cwd, values.font) : undefined);
        } catch (e) {
          if (e instanceof PngError) throw new CliError(e.message, e.fix);
          throw e;
        }
      }
    }
    try {
      await writeFileAtomic(out, data);
    } catch (e) {
      throw new CliError(
        `cannot write ${values.out}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
        'check that the folder exists and is writable',
      );
    }
    io.out(
      `wrote ${values.out} (${format}, ${diagram.nodes.length} objects, ${diagram.edges.length} links)\n`,
    );
    return 0;
  },
};
