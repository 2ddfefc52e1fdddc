// The network diagram against the graph view, in the same run and the same headless Chromium: first paint and the
// frame rate while panning and zooming, for a 2,000-node workspace (targets: diagram first paint < 1 s, >= 50 fps)
// and a 10,000-host one (first paint < 2 s, >= 30 fps). Then `junction topology --format svg` for the example and
// for the 2,000-node workspace, against Graphviz `dot -Tsvg` on the DOT export of the same view.
//
// First paint of a view is from the click that asks for it to the first box drawn: the "Network diagram" tab to the
// first g.node in the diagram viewport, the Topology button to the graph canvas's data-painted, each click made on a
// page that has settled (ten calm frames in a row). Each run is a fresh page; figures are given as min–max over
// DIAGRAM_RUNS runs (default 3). Frame rates are also given as a ratio to
// the browser's idle frame rate measured in this run, the ceiling on this machine.
import { chromium, type Browser, type Page } from 'playwright-core';
import { cpSync, mkdtempSync, readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createHost, memorySettings } from '../electron/services/host';
import { startWebHost, type WebHost } from '../electron/web/server';
import { syntheticDocument } from '../test/desktop/synthetic-workspace';
import { runCli } from '../electron/cli/main';

const RUNS = Math.max(1, Number(process.env.DIAGRAM_RUNS ?? 3));
/** syntheticDocument(n) draws n nodes, of which 433 are sites, networks and subnets; the rest are hosts. */
const FIXED_NODES = 433;
const root = fileURLToPath(new URL('..', import.meta.url));
const chromiumPath = process.env.JUNCTION_CHROMIUM ?? '/usr/bin/chromium';
if (!existsSync(chromiumPath)) {
  console.log(`diagram: SKIPPED, no Chromium at ${chromiumPath}`);
  process.exit(0);
}
if (!existsSync(`${root}dist/renderer/index.html`) || !existsSync(`${root}dist/cli.js`))
  spawnSync(process.execPath, [`${root}scripts/build.mjs`], { stdio: 'inherit' });

const dir = mkdtempSync(join(tmpdir(), 'junction-bench-diagram-'));

/**
 * The renderer served from a copy taken now: on a shared machine another build may replace dist/renderer while the
 * benchmark runs, and a page loaded in between would find no script. A copy is kept when index.html's assets are in it.
 */
function snapshotRenderer(): string {
  const to = join(dir, 'renderer');
  for (let attempt = 0; attempt < 10; attempt++) {
    rmSync(to, { recursive: true, force: true });
    try {
      cpSync(`${root}dist/renderer`, to, { recursive: true });
      const html = readFileSync(join(to, 'index.html'), 'utf8');
      const assets = [...html.matchAll(/(?:src|href)="\.?\/?(assets\/[^"]+)"/g)].map((m) => m[1]!);
      if (assets.length && assets.every((a) => existsSync(join(to, a)))) return to;
    } catch {
      // mid-build: try again
    }
    spawnSync('sleep', ['2']);
  }
  throw new Error('dist/renderer kept changing; run `node scripts/build.mjs renderer` and try again');
}
const renderer = snapshotRenderer();
const WAIT = 120_000;

interface Sample {
  [k: string]: number | undefined;
}

// A string, not a function: tsx's name-keeping helper does not exist inside the page.
const countFrames = (page: Page, ms: number) =>
  page.evaluate<number>(`new Promise((resolve) => {
    let frames = 0;
    const t0 = performance.now();
    const tick = () => {
      frames++;
      if (performance.now() - t0 < ${ms}) requestAnimationFrame(tick);
      else resolve((frames * 1000) / (performance.now() - t0));
    };
    requestAnimationFrame(tick);
  })`);

/** Drags and wheels over the element for about 3 s with real input events, counting animation frames meanwhile. */
async function panZoomFps(page: Page, selector: string): Promise<number> {
  const box = (await page.locator(selector).first().boundingBox())!;
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  const framesP = countFrames(page, 3000);
  const until = Date.now() + 2900;
  let i = 0;
  while (Date.now() < until) {
    await page.mouse.move(cx, cy);
    await page.mouse.down();
    for (let s = 1; s <= 6; s++) await page.mouse.move(cx + s * 25 * (i % 2 ? -1 : 1), cy + s * 10);
    await page.mouse.up();
    await page.mouse.wheel(0, i % 2 ? 240 : -240);
    i++;
  }
  return framesP;
}

/**
 * Waits until the page draws ten frames in a row at least 20 fps (or 20 s pass), so a click is measured from an idle
 * page: at 10,000 hosts the graph is still drawing for seconds after its first paint, and a click on the diagram tab
 * then waits behind it.
 */
const settle = (page: Page) =>
  page.evaluate(`new Promise((resolve) => {
    let last = performance.now(), calm = 0;
    const t0 = last;
    const tick = (now) => {
      calm = now - last < 50 ? calm + 1 : 0;
      last = now;
      if (calm >= 10 || now - t0 > 20000) resolve(undefined);
      else requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  })`);

async function timed(page: Page, click: () => Promise<void>, until: string): Promise<number | undefined> {
  await settle(page);
  const t0 = Date.now();
  await click();
  try {
    await page.waitForSelector(until, { timeout: WAIT, state: 'attached' });
  } catch {
    return undefined;
  }
  return Date.now() - t0;
}

/** The duration of the app's last performance.measure of that name (DiagramScreen measures its layout request). */
const lastMeasure = (page: Page, name: string) =>
  page.evaluate<number | undefined>(
    `performance.getEntriesByName(${JSON.stringify(name)}, 'measure').at(-1)?.duration`,
  );

const FIRST_BOX = '[data-testid="diagram-viewport"] .diagram-svg svg g.node';

/** One run on a fresh page: the graph, the diagram's first view, an opened network, and (optionally) everything. */
async function run(browser: Browser, host: WebHost, everything: boolean): Promise<Sample> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const s: Sample = {};
  try {
    await page.goto(host.url);
    await page.waitForFunction(
      () => document.querySelector('.doc-name')?.textContent?.startsWith('Synthetic'),
      null,
      { timeout: WAIT },
    );
    await page.waitForFunction(() => !document.querySelector('.progress.on'), null, { timeout: WAIT });
    // The workspace open for a moment, as an admin would have it: the graph's layout prefetch has run.
    await page.waitForTimeout(1000);
    s.idleFps = await countFrames(page, 1000);

    // The graph (the default tab of Topology).
    s.graphPaint = await timed(
      page,
      () => page.click('nav [data-screen="topology"]'),
      '[data-testid="topology-canvas"][data-painted]',
    );
    if (s.graphPaint !== undefined) s.graphFps = await panZoomFps(page, '[data-testid="topology-canvas"]');

    // The diagram's first view: the whole estate, or its overview past 150 hosts.
    s.diagramPaint = await timed(page, () => page.click('[role="tab"][data-mode="diagram"]'), FIRST_BOX);
    if (s.diagramPaint === undefined) return s;
    s.diagramBoxes = await page.locator(FIRST_BOX).count();
    s.diagramLayout = await lastMeasure(page, 'junction:diagram-layout');
    s.diagramFps = await panZoomFps(page, '[data-testid="diagram-viewport"]');

    // A click on a network opens it: its subnets and hosts, NIC ports included.
    await page.click('.diagram-toolbar .crumbs button');
    await page.waitForSelector('g.node.network[data-id="net:net3"]', { timeout: WAIT, state: 'attached' });
    s.openPaint = await timed(
      page,
      () => page.locator('g.node.network[data-id="net:net3"] rect').first().click({ force: true }),
      `${FIRST_BOX}.host`,
    );
    if (s.openPaint === undefined) return s;
    s.openBoxes = await page.locator(FIRST_BOX).count();
    s.openLayout = await lastMeasure(page, 'junction:diagram-layout');
    s.openFps = await panZoomFps(page, '[data-testid="diagram-viewport"]');
    // Zoomed in until every label is drawn (level of detail "near"): the most text on screen.
    const lod = () => page.getAttribute('[data-testid="diagram-viewport"]', 'data-lod');
    await page.getByRole('button', { name: 'Fit to view' }).click();
    for (let i = 0; i < 16 && (await lod()) !== 'near'; i++)
      await page.getByRole('button', { name: 'Zoom in' }).click();
    if ((await lod()) === 'near') s.openNearFps = await panZoomFps(page, '[data-testid="diagram-viewport"]');

    if (everything) {
      // The whole estate at "Hosts and NICs": every box in one ELK layout (in the worker) and one SVG.
      await page.click('.diagram-toolbar .crumbs button');
      await page.waitForSelector('g.node.network[data-id="net:net3"]', { timeout: WAIT, state: 'attached' });
      s.allPaint = await timed(
        page,
        async () => void (await page.selectOption('select[aria-label="Detail"]', 'nics')),
        `${FIRST_BOX}.host`,
      );
      if (s.allPaint !== undefined) {
        s.allBoxes = await page.locator(FIRST_BOX).count();
        s.allLayout = await lastMeasure(page, 'junction:diagram-layout');
        s.allFps = await panZoomFps(page, '[data-testid="diagram-viewport"]');
      }
    }
    return s;
  } finally {
    await page.close();
  }
}

function range(samples: Sample[], key: string, digits = 0): string {
  const v = samples.map((s) => s[key]).filter((x): x is number => x !== undefined);
  if (v.length === 0) return `none within ${WAIT / 1000} s`;
  const lo = Math.min(...v).toFixed(digits);
  const hi = Math.max(...v).toFixed(digits);
  const missing = samples.length - v.length;
  return `${lo === hi ? lo : `${lo}–${hi}`}${missing ? ` (${missing} of ${samples.length} runs timed out)` : ''}`;
}

function verdict(samples: Sample[], key: string, ok: (x: number) => boolean): string {
  const v = samples.map((s) => s[key]);
  if (v.every((x) => x !== undefined && ok(x))) return 'PASS';
  if (v.some((x) => x !== undefined && ok(x))) return 'PASS in some runs';
  return 'MISS';
}

async function browserSection(
  browser: Browser,
  label: string,
  nodes: number,
  target: { paint: number; fps: number },
  everything: boolean,
): Promise<void> {
  const file = join(dir, `synthetic-${nodes}.junction.json`);
  writeFileSync(file, JSON.stringify(syntheticDocument(nodes)));
  const host = await startWebHost({
    api: createHost({ frontDoor: 'web', settings: memorySettings(), startupPath: file }),
    root: renderer,
  });
  const samples: Sample[] = [];
  try {
    for (let i = 0; i < RUNS; i++)
      // A run that fails (a page that never loads while another build replaces dist/) is reported, not fatal.
      samples.push(
        await run(browser, host, everything).catch((e: unknown) => {
          console.log(`  run ${i + 1} failed: ${(e as Error).message.split('\n')[0]}`);
          return {};
        }),
      );
  } finally {
    await host.close();
  }
  const ratio = (key: string) => {
    const r = samples
      .filter((s) => s[key] !== undefined && s.idleFps)
      .map((s) => ({ idleFps: 1, [key]: s[key]! / s.idleFps! }));
    return r.length ? ` (${range(r, key, 2)}× idle)` : '';
  };
  const p = (key: string, t = target.paint) =>
    `${range(samples, key)} ms   target < ${t} ms   ${verdict(samples, key, (x) => x < t)}`;
  const f = (key: string, t = target.fps) =>
    `${range(samples, key, 1)} fps${ratio(key)}   target >= ${t} fps   ${verdict(samples, key, (x) => x >= t)}`;
  console.log(`\n${label}: ${nodes} nodes (${nodes - FIXED_NODES} hosts), ${RUNS} run(s), 1440×900`);
  console.log(
    `  idle frame rate                 ${range(samples, 'idleFps', 1)} fps (this browser's ceiling here)`,
  );
  console.log(`  graph (cytoscape) first paint   ${range(samples, 'graphPaint')} ms`);
  console.log(`  graph pan/zoom                  ${range(samples, 'graphFps', 1)} fps${ratio('graphFps')}`);
  console.log(
    `  diagram first paint             ${p('diagramPaint')}   (${range(samples, 'diagramBoxes')} boxes: the overview; layout request ${range(samples, 'diagramLayout')} ms of it)`,
  );
  console.log(`  diagram pan/zoom                ${f('diagramFps')}`);
  console.log(
    `  network opened, first paint     ${p('openPaint')}   (${range(samples, 'openBoxes')} boxes; layout request ${range(samples, 'openLayout')} ms of it)`,
  );
  console.log(`  network opened, pan/zoom        ${f('openFps')}`);
  console.log(
    `  network opened, zoomed in       ${f('openNearFps')}   (level of detail "near": every label drawn)`,
  );
  if (everything) {
    console.log(
      `  whole estate at NIC detail      ${range(samples, 'allPaint')} ms   (${range(samples, 'allBoxes')} boxes; layout request, ELK in the worker, ${range(samples, 'allLayout')} ms of it; no target)`,
    );
    console.log(`  whole estate, pan/zoom          ${f('allFps')}`);
  }
}

/** Wall time of a command, min–max over RUNS runs; undefined when it fails. */
function wall(cmd: string, args: string[]): { ms: number[]; ok: boolean; out: string } {
  const ms: number[] = [];
  let out = '';
  for (let i = 0; i < RUNS; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { encoding: 'utf8', cwd: dir, timeout: 600_000 });
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
    out = (r.stdout || r.stderr).trim();
    if (r.status !== 0) return { ms, ok: false, out };
  }
  return { ms, ok: true, out };
}

async function cliSection(): Promise<void> {
  const junction = [`${root}bin/junction.mjs`, 'topology'];
  const big = join(dir, 'synthetic-2000.junction.json');
  if (!existsSync(big)) writeFileSync(big, JSON.stringify(syntheticDocument(2000)));
  const cases: { label: string; args: string[] }[] = [
    { label: 'example (contoso-hybrid)', args: [`${root}examples/contoso-hybrid.junction.json`] },
    { label: '2,000 nodes, --focus net3', args: [big, '--focus', 'net3'] },
    { label: '2,000 nodes, whole estate', args: [big] },
  ];
  const fmt = (ms: number[]) => {
    const lo = Math.round(Math.min(...ms));
    const hi = Math.round(Math.max(...ms));
    return lo === hi ? `${lo}` : `${lo}–${hi}`;
  };
  const start = wall(process.execPath, [`${root}bin/junction.mjs`, '--version']);
  console.log(
    `\njunction topology, ${RUNS} run(s) each, wall time of the process (node start-up alone: ${fmt(start.ms)} ms)`,
  );
  const hasDot = spawnSync('dot', ['-V']).status === 0;
  for (const c of cases) {
    const svg = wall(process.execPath, [...junction, ...c.args, '--format', 'svg', '--out', 'out.svg']);
    let line = `  ${c.label.padEnd(28)} --format svg ${svg.ok ? `${fmt(svg.ms)} ms` : `FAILED: ${svg.out}`}   ${svg.out.split('\n')[0]}`;
    // The same command in this process: the diagram, ELK and the SVG without node's start-up and bundle load.
    const inProc: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      const code = await runCli(['topology', ...c.args, '--format', 'svg', '--out', 'in.svg'], {
        out: () => undefined,
        err: () => undefined,
        cwd: dir,
        env: {},
        isTTY: false,
      });
      if (code === 0) inProc.push(performance.now() - t0);
    }
    if (inProc.length) line += `\n  ${''.padEnd(28)} in-process (no start-up)  ${fmt(inProc)} ms`;
    if (hasDot && svg.ok) {
      const dot = wall(process.execPath, [...junction, ...c.args, '--format', 'dot', '--out', 'out.dot']);
      const gv = dot.ok ? wall('dot', ['-Tsvg', '-o', 'gv.svg', 'out.dot']) : undefined;
      if (gv?.ok) {
        const ratio = Math.min(...svg.ms) / Math.min(...gv.ms);
        line += `\n  ${''.padEnd(28)} Graphviz dot -Tsvg on its DOT export ${fmt(gv.ms)} ms (junction ${ratio.toFixed(2)}× of dot, best runs)`;
      }
    }
    console.log(line);
  }
}

const browser = await chromium.launch({
  executablePath: chromiumPath,
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--no-first-run',
  ],
});
try {
  const only = process.env.DIAGRAM_ONLY ?? 'browser,cli';
  if (only.includes('browser')) {
    await browserSection(browser, '2,000 nodes', 2000, { paint: 1000, fps: 50 }, true);
    await browserSection(browser, '10,000 hosts', 10_000 + FIXED_NODES, { paint: 2000, fps: 30 }, false);
  }
  if (only.includes('cli')) await cliSection();
} finally {
  await browser.close();
  rmSync(dir, { recursive: true, force: true });
}
