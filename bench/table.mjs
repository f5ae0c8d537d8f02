// @ts-check
/**
 * The benchmark's results as a Markdown table: one row per figure with its target and whether
 * it was met. `bench/run.mjs` prints it at the end of a run; README.md and bench/README.md show
 * the table of a full run.
 *
 *   node bench/table.mjs [results.json]   (default bench/results/latest.json)
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/**
 * @typedef {{ name: string, unit: string, value: number | null, target?: unknown, pass?: boolean, [key: string]: unknown }} BenchEntry
 */

/** @param {number} x */
const fmt = (x) => (Number.isFinite(x) ? x.toLocaleString('en-US', { maximumFractionDigits: x >= 100 ? 0 : x >= 10 ? 1 : 2 }) : '—');

/**
 * What the row says was measured, with the figures that explain it (ceilings, heap, size).
 * @param {BenchEntry} e
 */
function measured(e) {
  const value = e.value === null ? 'no figure' : `${fmt(e.value)} ${e.unit}`;
  if (e.name === 'cold-sync') {
    return (
      `${value}; ceiling ${fmt(Number(e.ceiling))}/s → **ratio ${fmt(Number(e.ratio))}**; ` +
      `sequential ceiling ${fmt(Number(e.sequentialCeiling))}/s (ratio ${fmt(Number(e.ratioToSequential))}); ` +
      `bare ceiling, no indexes ${fmt(Number(e.bareCeiling))}/s (ratio ${fmt(Number(e.ratioToBare))})`
    );
  }
  if (typeof e.peakHeapMB === 'number') return `${value}, peak JS heap ${fmt(e.peakHeapMB)} MB`;
  if (typeof e.storeMB === 'number') return `${value} in all, ${fmt(e.storeMB)} MB on disk`;
  return value;
}

/** @param {BenchEntry} e */
function target(e) {
  if (e.target === undefined) return '—';
  if (e.name === 'cold-sync') return `ratio ≥ ${e.target}`;
  if (typeof e.target === 'number') return `≤ ${fmt(e.target)} ${e.unit}`;
  return String(e.target);
}

/**
 * @param {BenchEntry[]} results
 * @returns {string} a Markdown table
 */
export function markdownTable(results) {
  const rows = results.map((e) => `| \`${e.name}\` | ${measured(e)} | ${target(e)} | ${e.pass === undefined ? '—' : e.pass ? 'pass' : '**miss**'} |`);
  return ['| figure | measured (median) | target | result |', '|---|---|---|---|', ...rows].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const file = process.argv[2] ?? fileURLToPath(new URL('./results/latest.json', import.meta.url));
  process.stdout.write(`${markdownTable(JSON.parse(await readFile(file, 'utf8')))}\n`);
}
