/**
 * The trend chart of one test, as SVG: loaded with `import()` when a row's chart is first opened,
 * so `d3-scale` and `d3-time` cost nothing until then.
 *
 * Scales and time ticks come from d3 (`scaleLinear`, `scaleUtc`); labels are formatted with the
 * element's `Intl`-based formatters, so they follow the page's language and never the viewer's
 * time zone for a date without a time.
 */
import { svg, html, nothing, type TemplateResult } from 'lit';
import { scaleLinear, scaleUtc } from 'd3-scale';
import type { ChartModel, ChartPoint } from '../../fhir/lab-chart.js';

/** Words and formatters the chart needs from the element (localized there). */
export interface ChartText {
  /** A date on the axis ("Mar 2021"). */
  tick: (t: number, span: number) => string;
  /** A number on the axis. */
  number: (n: number) => string;
  /** The words beside an open (comparator) marker, e.g. "<5". */
  comparatorLabel: (p: ChartPoint) => string;
  /** Notes drawn on the chart. */
  outOfRange: string;
  intoRange: string;
  largeChange: (change: number) => string;
  gap: string;
  unit: string;
}

const W = 560;
const H = 200;
const M = { top: 14, right: 18, bottom: 28, left: 52 };

/**
 * Renders the chart: an `<svg role="img">` named by the element `labelledBy` (the figure's
 * caption, which holds the test name as isolated record text); the table alternative is the
 * element's.
 */
export function renderTrendChart(model: ChartModel, text: ChartText, labelledBy: string): TemplateResult {
  if (!model.tExtent || !model.yExtent) return html``;
  const [t0, t1] = model.tExtent;
  const pad = t0 === t1 ? 86_400_000 : 0;
  const x = scaleUtc()
    .domain([new Date(t0 - pad), new Date(t1 + pad)])
    .range([M.left, W - M.right]);
  const [y0, y1] = model.yExtent;
  const spread = y1 - y0 || Math.abs(y1) || 1;
  const y = scaleLinear()
    .domain([y0 - spread * 0.1, y1 + spread * 0.1])
    .nice()
    .range([H - M.bottom, M.top]);
  const xTicks = x.ticks(Math.min(6, Math.max(2, model.points.length + model.gaps.length)));
  const yTicks = y.ticks(4);
  const span = t1 - t0;
  const [yLow, yHigh] = y.domain() as [number, number];

  // The band follows each result's own range: a step per result, held until the next one.
  const band = model.band.map((b, i) => {
    const next = model.band[i + 1];
    const xa = x(new Date(b.t));
    const xb = next ? x(new Date(next.t)) : W - M.right;
    const top = y(b.high ?? yHigh);
    const bottom = y(b.low ?? yLow);
    return svg`<rect class="band" x=${xa} y=${Math.min(top, bottom)} width=${Math.max(1, xb - xa)} height=${Math.abs(bottom - top)}></rect>`;
  });
  const lines = model.segments
    .filter((s) => s.length > 1)
    .map((s) => svg`<polyline class="line" points=${s.map((p) => `${x(new Date(p.t)).toFixed(1)},${y(p.y).toFixed(1)}`).join(' ')}></polyline>`);
  const points = model.points.map((p) => {
    const cx = x(new Date(p.t));
    const cy = y(p.y);
    const cls = `point${p.abnormal ? ' abnormal' : ''}${p.critical ? ' critical' : ''}${p.comparator ? ' open' : ''}`;
    // Shapes, not colour alone: a square for out-of-range, a diamond for critical, an open circle for a bound.
    const mark = p.critical
      ? svg`<path class=${cls} d="M${cx} ${cy - 6}L${cx + 6} ${cy}L${cx} ${cy + 6}L${cx - 6} ${cy}Z"></path>`
      : p.abnormal
        ? svg`<rect class=${cls} x=${cx - 4.5} y=${cy - 4.5} width="9" height="9"></rect>`
        : svg`<circle class=${cls} cx=${cx} cy=${cy} r="4"></circle>`;
    return svg`${mark}${p.comparator ? svg`<text class="comparator" x=${cx + 7} y=${cy - 6}>${text.comparatorLabel(p)}</text>` : nothing}`;
  });
  const gaps = model.gaps.map((g) => {
    const gx = x(new Date(g.t));
    return svg`<line class="gap" x1=${gx} x2=${gx} y1=${M.top} y2=${H - M.bottom}><title>${text.gap}</title></line>`;
  });
  const notes = model.notes.map((n) => {
    const nx = x(new Date(n.t));
    const ny = y(n.y);
    const words = n.kind === 'large-change' ? text.largeChange(n.change ?? 0) : n.kind === 'out-of-range' ? text.outOfRange : text.intoRange;
    return svg`<text class="note ${n.kind}" x=${nx} y=${Math.max(M.top + 8, ny - 10)} text-anchor="middle">${words}</text>`;
  });
  return html`<svg class="chart" part="chart" viewBox="0 0 ${W} ${H}" role="img" aria-labelledby=${labelledBy} preserveAspectRatio="xMidYMid meet">
    <g aria-hidden="true">
      ${band}
      ${yTicks.map((v) => svg`<line class="grid" x1=${M.left} x2=${W - M.right} y1=${y(v)} y2=${y(v)}></line>
        <text class="tick" x=${M.left - 6} y=${y(v) + 4} text-anchor="end">${text.number(v)}</text>`)}
      ${xTicks.map((d) => svg`<text class="tick" x=${x(d)} y=${H - M.bottom + 16} text-anchor="middle">${text.tick(d.getTime(), span)}</text>`)}
      <text class="tick unit" x=${M.left - 6} y=${M.top - 4} text-anchor="end">${text.unit}</text>
      ${gaps} ${lines} ${points} ${notes}
    </g>
  </svg>`;
}
