// A history sparkline as inline SVG (nothing fetched, nothing drawn by script): one bar per result, oldest on the
// left, coloured by outcome, its height by latency on a square-root scale so one slow probe does not flatten the rest.
import type { LinkPoint, SeriesPoint } from '../../../shared/api/health-api';

type Tone = 'ok' | 'warn' | 'down';

const TONE_OF: Record<string, Tone> = {
  ok: 'ok',
  warning: 'warn',
  degraded: 'warn',
  fail: 'down',
  down: 'down',
};

export function Sparkline({
  points,
  width = 84,
  height = 18,
  label,
}: {
  points: readonly (SeriesPoint | LinkPoint)[];
  width?: number;
  height?: number;
  label: string;
}) {
  if (points.length === 0)
    return (
      <span className="spark-empty muted small" aria-label={`${label}: no history yet`}>
        —
      </span>
    );
  const tones = points.map((p) => TONE_OF['status' in p ? p.status : p.level] ?? 'warn');
  const max = Math.max(1, ...points.map((p) => p.ms));
  const step = Math.min(7, width / points.length);
  const bar = Math.max(1.5, step - 1.5);
  const counts = { ok: 0, warn: 0, down: 0 };
  for (const t of tones) counts[t]++;
  const first = points[0]!.at.slice(0, 16).replace('T', ' ');
  const last = points[points.length - 1]!.at.slice(0, 16).replace('T', ' ');
  const summary = `${label}: ${points.length} result${points.length === 1 ? '' : 's'} from ${first} to ${last} UTC — ${counts.ok} ok, ${counts.warn} degraded, ${counts.down} failing`;
  return (
    <svg
      className="spark"
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={summary}
      data-points={points.length}
    >
      <title>{summary}</title>
      <line className="spark-base" x1={0} x2={width} y1={height - 0.5} y2={height - 0.5} />
      {points.map((p, i) => {
        const tone = tones[i]!;
        // A failure is drawn full height: its latency is the time it took to give up, not a speed.
        const h = tone === 'down' ? height : Math.max(3, Math.sqrt(p.ms / max) * (height - 1));
        return (
          <rect
            key={i}
            className={`spark-bar ${tone}`}
            x={width - (points.length - i) * step}
            y={height - h}
            width={bar}
            height={h}
            rx={0.5}
          />
        );
      })}
    </svg>
  );
}
