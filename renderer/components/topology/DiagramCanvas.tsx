// The diagram on screen: the same SVG the export writes (built by shared/topology/svg, every workspace string
// escaped there), moved by a CSS transform so pan and zoom stay on the compositor. Level of detail follows the
// zoom: text is shown only where it would be at least MIN_SCREEN_PX tall; below that, container names (and, a
// step closer, host names) are drawn as overlay labels of a constant size, so nothing on screen is unreadable.
import { useEffect, useLayoutEffect, useMemo, useRef, useState, type CSSProperties } from 'react';
import type { DiagramLayout } from '../../../shared/topology/layout';
import { FONT } from '../../../shared/topology/text';
import { renderSvgElement } from '../../../shared/topology/svg';
import type { Trace } from '../../../shared/topology/trace';

/** The console's smallest text (styles.css uses 11–12 px for small print). */
export const MIN_SCREEN_PX = 12;
export type Lod = 'far' | 'mid' | 'near';

export function lodFor(scale: number): Lod {
  if (scale * FONT.line >= MIN_SCREEN_PX) return 'near';
  if (scale >= 0.35) return 'mid';
  return 'far';
}

interface View {
  x: number;
  y: number;
  scale: number;
}

export function DiagramCanvas(props: {
  layout: DiagramLayout;
  title: string;
  selected: string | null;
  onSelect: (id: string | null) => void;
  onOpen?: (id: string) => void;
  trace?: Trace;
  /** Diagram node ids whose host drifted from the model (issue 22): marked like the selection, by a class. */
  drifted?: ReadonlySet<string>;
}) {
  const { layout, selected, onSelect, onOpen, trace, drifted } = props;
  const viewport = useRef<HTMLDivElement>(null);
  const stage = useRef<HTMLDivElement>(null);
  const overlays = useRef<HTMLDivElement>(null);
  const view = useRef<View>({ x: 0, y: 0, scale: 1 });
  /** Zooming out stops at the whole diagram (or 0.05 if that is larger): a huge layout fits at a smaller scale. */
  const minScale = useRef(0.05);
  const [lod, setLod] = useState<Lod>('near');
  const svg = useMemo(() => renderSvgElement(layout, props.title), [layout, props.title]);

  const apply = () => {
    const v = view.current;
    const el = stage.current;
    if (!el) return;
    el.style.transform = `translate(${v.x}px, ${v.y}px) scale(${v.scale})`;
    // On the overlay layer only: set on the stage, every SVG box and text below it would be restyled per wheel step.
    overlays.current?.style.setProperty('--inv', String(1 / v.scale));
    viewport.current?.setAttribute('data-scale', v.scale.toFixed(3));
    setLod(lodFor(v.scale));
  };

  const fit = () => {
    const vp = viewport.current;
    if (!vp) return;
    const w = vp.clientWidth || 1;
    const h = vp.clientHeight || 1;
    const scale = Math.min(w / layout.width, h / layout.height, 1);
    minScale.current = Math.min(0.05, scale);
    view.current = {
      scale,
      x: (w - layout.width * scale) / 2,
      y: Math.max(0, (h - layout.height * scale) / 2),
    };
    apply();
  };

  useLayoutEffect(fit, [layout]);

  useEffect(() => {
    const vp = viewport.current;
    if (!vp) return;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const r = vp.getBoundingClientRect();
      const v = view.current;
      const next = Math.min(4, Math.max(minScale.current, v.scale * Math.exp(-e.deltaY * 0.0015)));
      const px = e.clientX - r.left;
      const py = e.clientY - r.top;
      view.current = {
        scale: next,
        x: px - ((px - v.x) * next) / v.scale,
        y: py - ((py - v.y) * next) / v.scale,
      };
      apply();
    };
    let drag: { x: number; y: number; vx: number; vy: number; moved: boolean } | null = null;
    const onDown = (e: PointerEvent) => {
      drag = { x: e.clientX, y: e.clientY, vx: view.current.x, vy: view.current.y, moved: false };
    };
    const onMove = (e: PointerEvent) => {
      if (!drag) return;
      const dx = e.clientX - drag.x;
      const dy = e.clientY - drag.y;
      if (Math.abs(dx) + Math.abs(dy) > 3) drag.moved = true;
      view.current = { ...view.current, x: drag.vx + dx, y: drag.vy + dy };
      apply();
    };
    const onUp = (e: PointerEvent) => {
      const d = drag;
      drag = null;
      if (!d || d.moved) return;
      const g = (e.target as Element).closest?.('g.node');
      onSelect(g?.getAttribute('data-id') ?? null);
    };
    const onDbl = (e: MouseEvent) => {
      const g = (e.target as Element).closest?.('g.node');
      const id = g?.getAttribute('data-id');
      if (id && onOpen) onOpen(id);
    };
    vp.addEventListener('wheel', onWheel, { passive: false });
    vp.addEventListener('pointerdown', onDown);
    window.addEventListener('pointermove', onMove);
    window.addEventListener('pointerup', onUp);
    vp.addEventListener('dblclick', onDbl);
    return () => {
      vp.removeEventListener('wheel', onWheel);
      vp.removeEventListener('pointerdown', onDown);
      window.removeEventListener('pointermove', onMove);
      window.removeEventListener('pointerup', onUp);
      vp.removeEventListener('dblclick', onDbl);
    };
  }, [onSelect, onOpen]);

  // Selection is a class on the node's group: the SVG string itself never changes for it.
  useEffect(() => {
    const root = stage.current;
    if (!root) return;
    root.querySelectorAll('g.node.selected').forEach((g) => g.classList.remove('selected'));
    if (selected) root.querySelector(`g.node[data-id="${CSS.escape(selected)}"]`)?.classList.add('selected');
  }, [selected, svg]);

  useEffect(() => {
    const root = stage.current;
    if (!root) return;
    root.querySelectorAll('g.node.drifted').forEach((g) => g.classList.remove('drifted'));
    for (const id of drifted ?? [])
      root.querySelector(`g.node[data-id="${CSS.escape(id)}"]`)?.classList.add('drifted');
  }, [drifted, svg]);

  const zoomBy = (f: number) => {
    const vp = viewport.current;
    if (!vp) return;
    const v = view.current;
    const next = Math.min(4, Math.max(minScale.current, v.scale * f));
    const px = vp.clientWidth / 2;
    const py = vp.clientHeight / 2;
    view.current = {
      scale: next,
      x: px - ((px - v.x) * next) / v.scale,
      y: py - ((py - v.y) * next) / v.scale,
    };
    apply();
  };

  // Once per layout, not on every level-of-detail change (the quadratic scan took tens of ms at 2,000 boxes).
  const [containers, leaves] = useMemo(() => {
    const parents = new Set(layout.nodes.map((n) => n.parent));
    return [layout.nodes.filter((n) => parents.has(n.id)), layout.nodes.filter((n) => !parents.has(n.id))];
  }, [layout]);
  const centre = (id: string) => {
    const n = layout.nodes.find((x) => x.id === id);
    return n ? { x: n.x + n.width / 2, y: n.y + n.height / 2 } : undefined;
  };
  const tracePoints = (trace?.nodes ?? [])
    .map(centre)
    .filter((p): p is { x: number; y: number } => p !== undefined);
  const decided = trace?.decidedAt ? layout.nodes.find((n) => n.id === trace.decidedAt) : undefined;

  return (
    <div className="diagram-wrap">
      <div className="diagram-zoom" role="group" aria-label="Zoom">
        <button className="icon-btn" onClick={() => zoomBy(1.25)} aria-label="Zoom in">
          +
        </button>
        <button className="icon-btn" onClick={() => zoomBy(0.8)} aria-label="Zoom out">
          −
        </button>
        <button className="icon-btn" onClick={fit} aria-label="Fit to view">
          ⤢
        </button>
      </div>
      <div
        ref={viewport}
        className="diagram-viewport"
        data-testid="diagram-viewport"
        data-lod={lod}
        tabIndex={0}
        aria-label="Network diagram: drag to pan, wheel to zoom, click an object for its details"
      >
        <div ref={stage} className="diagram-stage">
          <div className="diagram-svg" dangerouslySetInnerHTML={{ __html: svg }} />
          {tracePoints.length > 1 && (
            <svg
              className="diagram-trace"
              width={layout.width}
              height={layout.height}
              data-testid="diagram-trace"
            >
              <polyline points={tracePoints.map((p) => `${p.x},${p.y}`).join(' ')} />
              {tracePoints.map((p, i) => (
                <circle key={i} cx={p.x} cy={p.y} r={7} className="hop" data-hop={trace!.nodes[i]} />
              ))}
              {decided && (
                <rect
                  className="decided"
                  x={decided.x - 4}
                  y={decided.y - 4}
                  width={decided.width + 8}
                  height={decided.height + 8}
                  rx={6}
                  data-decided={decided.id}
                />
              )}
            </svg>
          )}
          {/* Not positioned: the labels keep the stage as their containing block, and --inv as their own. */}
          <div
            ref={overlays}
            className="diagram-overlays"
            style={{ '--inv': String(1 / view.current.scale) } as CSSProperties}
          >
            {lod !== 'near' &&
              (lod === 'far' ? containers : [...containers, ...leaves]).map((n, i) => (
                <div
                  key={n.id}
                  className={`diagram-overlay ${i < containers.length ? 'container' : 'leaf'}`}
                  style={{ left: n.x + 6, top: n.y + 4 }}
                >
                  {n.source.label}
                  {n.source.hostCount ? ` · ${n.source.hostCount} hosts` : ''}
                </div>
              ))}
          </div>
        </div>
      </div>
    </div>
  );
}
