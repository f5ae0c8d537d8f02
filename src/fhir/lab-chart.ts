/**
 * What a trend chart of one test draws, worked out without a DOM: the points in time order, the
 * line's segments (broken where a result has no value to plot), the reference band that follows
 * each result's own range, and the notes on range crossings and large changes.
 *
 * The element maps these onto pixels with `d3-scale`; nothing here knows about pixels.
 */
import type { Comparator } from './lab-values.js';
import type { RangeVerdict } from './lab-ranges.js';
import type { LabResult } from './lab-results.js';

/** One result on the chart. */
export interface ChartPoint {
  /** The result's key (`source/Observation/id`). */
  key: string;
  /** Milliseconds since the epoch of the result's date (the start of its day for a date without time). */
  t: number;
  /** The value to place the marker at; for a comparator value, the bound it names. */
  y: number;
  /** `<5` is drawn as an open marker at 5 with its comparator beside it, never as a value of 5. */
  comparator?: Comparator;
  /** Outside the result's own reference range (or flagged abnormal by the source). */
  abnormal: boolean;
  /** Critical interpretation (HH, LL, AA…). */
  critical: boolean;
  verdict: RangeVerdict;
}

/** A result with no plottable value (withheld, not done, text): a gap in the line, marked on the time axis. */
export interface ChartGap {
  key: string;
  t: number;
  /** Why: `absent` (dataAbsentReason, e.g. masked), `text` (a non-numeric value), `other-unit` (not comparable). */
  why: 'absent' | 'text' | 'other-unit';
}

/** The reference band at one result: the range that applied to that result. */
export interface BandStep {
  t: number;
  low?: number;
  high?: number;
}

/** A note on the chart. */
export interface ChartNote {
  key: string;
  t: number;
  y: number;
  kind: 'out-of-range' | 'into-range' | 'large-change';
  /** For `large-change`: the relative change from the previous plotted value, e.g. 0.8 for +80 %. */
  change?: number;
}

/** Everything a trend chart of one test draws. */
export interface ChartModel {
  points: ChartPoint[];
  /** Runs of consecutive points joined by a line; a gap starts a new run. */
  segments: ChartPoint[][];
  gaps: ChartGap[];
  band: BandStep[];
  notes: ChartNote[];
  /** The unit every plotted point shares (`''` when none); results in another unit are gaps, never plotted. */
  unitKey: string;
  /** Smallest and largest value to show: points and band bounds together. Absent with nothing to plot. */
  yExtent?: [number, number];
  /** First and last date. Absent with no dated result. */
  tExtent?: [number, number];
}

/** A change of more than this share of the previous value is annotated. */
export const LARGE_CHANGE = 0.5;

/**
 * The chart of one test's results (any order; entered-in-error results are left out). Only
 * results in `unitKey` (default: the unit most numeric results share, the latest one's on a tie)
 * are plotted; the others are
 * gaps marked "other unit", so two units are never drawn on one axis.
 */
export function chartModel(results: readonly LabResult[], unitKey?: string): ChartModel {
  const usable = results.filter((r) => !r.enteredInError && r.dateKey !== null);
  const ordered = [...usable].sort((a, b) => a.dateKey! - b.dateKey! || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const unit = unitKey ?? mainUnit(ordered);

  const points: ChartPoint[] = [];
  const gaps: ChartGap[] = [];
  const band: BandStep[] = [];
  const segments: ChartPoint[][] = [];
  let run: ChartPoint[] = [];
  for (const r of ordered) {
    const t = r.dateKey!;
    if (r.numeric === undefined || r.unitKey !== unit) {
      gaps.push({ key: r.key, t, why: r.numeric !== undefined ? 'other-unit' : r.value.kind === 'absent' || r.value.kind === 'none' ? 'absent' : 'text' });
      if (run.length) segments.push(run);
      run = [];
      continue;
    }
    const comparator = r.value.kind === 'quantity' ? r.value.comparator : undefined;
    const p: ChartPoint = {
      key: r.key,
      t,
      y: r.numeric,
      abnormal: r.abnormal,
      critical: r.critical,
      verdict: r.verdict,
      ...(comparator ? { comparator } : {}),
    };
    points.push(p);
    run.push(p);
    const range = r.range;
    if (range && (range.low !== undefined || range.high !== undefined) && (!range.unit || sameUnit(range.unit, r))) {
      band.push({ t, ...(range.low !== undefined ? { low: range.low } : {}), ...(range.high !== undefined ? { high: range.high } : {}) });
    }
  }
  if (run.length) segments.push(run);

  const notes: ChartNote[] = [];
  let previous: ChartPoint | undefined;
  for (const p of points) {
    if (previous) {
      const wasOut = previous.verdict === 'below' || previous.verdict === 'above';
      const isOut = p.verdict === 'below' || p.verdict === 'above';
      if (!wasOut && isOut && previous.verdict === 'within') notes.push({ key: p.key, t: p.t, y: p.y, kind: 'out-of-range' });
      else if (wasOut && p.verdict === 'within') notes.push({ key: p.key, t: p.t, y: p.y, kind: 'into-range' });
      // A comparator value is a bound, not a measurement: a "change" to or from it is not computed.
      if (!p.comparator && !previous.comparator && previous.y !== 0) {
        const change = (p.y - previous.y) / Math.abs(previous.y);
        if (Math.abs(change) > LARGE_CHANGE) notes.push({ key: p.key, t: p.t, y: p.y, kind: 'large-change', change });
      }
    }
    previous = p;
  }

  const ys = [...points.map((p) => p.y), ...band.flatMap((b) => [b.low, b.high].filter((v): v is number => v !== undefined))];
  const ts = ordered.map((r) => r.dateKey!);
  return {
    points,
    segments,
    gaps,
    band,
    notes,
    unitKey: unit,
    ...(ys.length ? { yExtent: [Math.min(...ys), Math.max(...ys)] as [number, number] } : {}),
    ...(ts.length ? { tExtent: [ts[0]!, ts[ts.length - 1]!] as [number, number] } : {}),
  };
}

/** The unit most numeric results share; on a tie, the latest result's. `''` without numeric results. */
function mainUnit(ordered: readonly LabResult[]): string {
  const counts = new Map<string, { n: number; last: number }>();
  ordered.forEach((r, i) => {
    if (r.numeric === undefined) return;
    const c = counts.get(r.unitKey) ?? { n: 0, last: 0 };
    counts.set(r.unitKey, { n: c.n + 1, last: i });
  });
  let best = '';
  let score: { n: number; last: number } | undefined;
  for (const [u, c] of counts) if (!score || c.n > score.n || (c.n === score.n && c.last > score.last)) [best, score] = [u, c];
  return best;
}

/** A range's unit matches the result's when both say the same words (ranges rarely carry a code). */
function sameUnit(rangeUnit: string, r: LabResult): boolean {
  const v = r.value;
  if (v.kind !== 'quantity') return false;
  return rangeUnit.trim() === v.unit.trim();
}
