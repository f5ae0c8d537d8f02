/**
 * The results grid: tests as rows, days as columns. Pure: which days are columns, and which
 * results fall in a cell. A day is the calendar date as recorded (the first ten characters of
 * the result's date), never shifted into the viewer's time zone.
 */
import type { LabResult } from './lab-results.js';

/** The calendar day of a result, `YYYY-MM-DD` (or `YYYY-MM` / `YYYY` when recorded that coarsely); `''` undated. */
export function resultDay(r: Pick<LabResult, 'date'>): string {
  const m = /^(\d{4}(?:-\d{2}(?:-\d{2})?)?)/.exec(r.date ?? '');
  return m ? m[1]! : '';
}

/** Every day with a result among `results`, newest first (undated last, as `''`). */
export function gridDays(results: Iterable<Pick<LabResult, 'date'>>): string[] {
  const days = new Set<string>();
  for (const r of results) days.add(resultDay(r));
  return [...days].sort((a, b) => (a === '' ? 1 : b === '' ? -1 : a < b ? 1 : a > b ? -1 : 0));
}

/** A test's results on each day, newest first within the day. */
export function resultsByDay<T extends Pick<LabResult, 'date' | 'dateKey'>>(results: readonly T[]): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const r of results) {
    const day = resultDay(r);
    let list = map.get(day);
    if (!list) map.set(day, (list = []));
    list.push(r);
  }
  for (const list of map.values()) list.sort((a, b) => (b.dateKey ?? -Infinity) - (a.dateKey ?? -Infinity));
  return map;
}

/** One page of columns: `size` days from `page` (0 = newest), and where it sits among all days. */
export function dayPage(days: readonly string[], page: number, size: number): { days: string[]; first: number; pages: number; page: number } {
  const pages = Math.max(1, Math.ceil(days.length / size));
  const p = Math.min(Math.max(0, Math.floor(page)), pages - 1);
  return { days: days.slice(p * size, p * size + size), first: p * size, pages, page: p };
}
