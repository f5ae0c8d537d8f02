/**
 * FHIR date, dateTime and instant handling that never invents precision.
 *
 * FHIR lets a date be partial (`1970`, `1970-05`) and a dateTime carry its own UTC offset.
 * Everything here works on the calendar fields exactly as written, so a date without a time
 * never moves to the day before or after because of the viewer's (or the server's) time zone.
 * `Date` objects are only used internally through `Date.UTC`, which has no time zone.
 */

/** How much of a FHIR date/dateTime/instant was actually recorded. */
export type DatePrecision = 'year' | 'month' | 'day' | 'time';

/** The fields of a FHIR date/dateTime/instant, as written; absent fields were not recorded. */
export interface ParsedFhirDate {
  /** The original string, trimmed. */
  readonly original: string;
  /** How much was recorded: never pad a `month` date out to a day. */
  readonly precision: DatePrecision;
  readonly year: number;
  /** 1–12 when precision is `month` or finer. */
  readonly month?: number;
  /** 1–31 when precision is `day` or finer. */
  readonly day?: number;
  /** 0–23, only for precision `time`. */
  readonly hour?: number;
  readonly minute?: number;
  /** Absent when the source wrote `hh:mm` only (not valid FHIR, but seen in the wild). */
  readonly second?: number;
  /** Fractional seconds as written, without the dot (e.g. `"715"`). */
  readonly fraction?: string;
  /** Minutes east of UTC (`+10:00` → 600, `Z` → 0); absent when no offset was written. */
  readonly offsetMinutes?: number;
}

/** A day on the calendar, with no time zone attached. Months are 1–12. */
export interface CalendarDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

const DATE_PATTERN =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

/** Days in a month, with leap years; month is 1–12. */
export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * Parses a FHIR `date`, `dateTime` or `instant` into its recorded fields.
 * Returns `null` for anything that is not a real calendar date (e.g. `2019-02-30`, `2019-13`,
 * an empty string, or a non-string). Missing seconds are tolerated; nothing is ever filled in.
 */
export function parseFhirDate(value: unknown): ParsedFhirDate | null {
  if (typeof value !== 'string') return null;
  const original = value.trim();
  if (original.length > 40) return null;
  const m = DATE_PATTERN.exec(original);
  if (!m) return null;
  const year = Number(m[1]);
  if (year < 1) return null;
  if (m[2] === undefined) return { original, precision: 'year', year };
  const month = Number(m[2]);
  if (month < 1 || month > 12) return null;
  if (m[3] === undefined) return { original, precision: 'month', year, month };
  const day = Number(m[3]);
  if (day < 1 || day > daysInMonth(year, month)) return null;
  if (m[4] === undefined) return { original, precision: 'day', year, month, day };
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = m[6] === undefined ? undefined : Number(m[6]);
  if (hour > 23 || minute > 59 || (second !== undefined && second > 60)) return null;
  let offsetMinutes: number | undefined;
  const tz = m[8];
  if (tz === 'Z') offsetMinutes = 0;
  else if (tz !== undefined) {
    const sign = tz.startsWith('-') ? -1 : 1;
    const oh = Number(tz.slice(1, 3));
    const om = Number(tz.slice(4, 6));
    if (oh > 14 || om > 59) return null;
    offsetMinutes = sign * (oh * 60 + om);
  }
  return {
    original,
    precision: 'time',
    year,
    month,
    day,
    hour,
    minute,
    ...(second !== undefined ? { second } : {}),
    ...(m[7] !== undefined ? { fraction: m[7] } : {}),
    ...(offsetMinutes !== undefined ? { offsetMinutes } : {}),
  };
}

/**
 * The interval a FHIR date covers, in milliseconds since the epoch: `[start, end)`.
 * A partial date covers its whole year or month; a date without a time is read as a UTC day
 * (good enough for ordering and for "has this period ended?", never used for display).
 * A dateTime without an offset is also read as UTC. Returns `null` when unparseable.
 */
export function fhirDateRange(value: string | ParsedFhirDate | null | undefined): { start: number; end: number } | null {
  const p = typeof value === 'string' ? parseFhirDate(value) : value ?? null;
  if (!p) return null;
  switch (p.precision) {
    case 'year':
      return { start: Date.UTC(p.year, 0, 1), end: Date.UTC(p.year + 1, 0, 1) };
    case 'month':
      return { start: Date.UTC(p.year, p.month! - 1, 1), end: Date.UTC(p.year, p.month!, 1) };
    case 'day':
      return { start: Date.UTC(p.year, p.month! - 1, p.day!), end: Date.UTC(p.year, p.month! - 1, p.day! + 1) };
    case 'time': {
      const ms = p.fraction ? Number(`0.${p.fraction}`) * 1000 : 0;
      const start =
        Date.UTC(p.year, p.month! - 1, p.day!, p.hour!, p.minute!, p.second ?? 0, Math.floor(ms)) -
        (p.offsetMinutes ?? 0) * 60_000;
      return { start, end: start + 1 };
    }
  }
}

/**
 * A number for sorting FHIR dates (milliseconds since the epoch at the start of the recorded
 * interval). `null` for unparseable input, so callers can put unknown dates last explicitly.
 */
export function fhirDateSortKey(value: string | null | undefined): number | null {
  return fhirDateRange(value)?.start ?? null;
}

/** Options for {@link formatFhirDate}. */
export interface FormatDateOptions {
  /**
   * Show the time for dateTimes that have one (`22-May-2018 14:05`). Default `true`.
   * When `false`, only the calendar day as recorded is shown.
   */
  readonly time?: boolean;
  /**
   * IANA time zone to convert timed values into (e.g. the clinician's own zone). When absent,
   * the wall-clock time is shown exactly as the source recorded it, in the source's offset —
   * the result then does not depend on the machine's time zone. Dates without a time are never
   * converted, nor are times written without an offset (their zone is unknown).
   */
  readonly timeZone?: string;
}

const monthCache = new Map<string, string[]>();

/**
 * Short month names for a locale. English locales get the three-letter NHS CUI forms
 * (`Sep`, never `Sept`); other locales get Intl's short month with a trailing full stop removed.
 */
export function shortMonthNames(locale = 'en-GB'): readonly string[] {
  const cached = monthCache.get(locale);
  if (cached) return cached;
  let names: string[];
  try {
    const fmt = new Intl.DateTimeFormat(locale, { month: 'short', timeZone: 'UTC' });
    const english = fmt.resolvedOptions().locale.toLowerCase().startsWith('en');
    names = Array.from({ length: 12 }, (_, i) => {
      const n = fmt.format(new Date(Date.UTC(2000, i, 15)));
      return english ? n.slice(0, 3) : n.replace(/\.$/, '');
    });
  } catch {
    names = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  }
  monthCache.set(locale, names);
  return names;
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

const cuiCache = new Map<string, boolean>();

/**
 * Whether dates for this locale use the NHS CUI form (`22-May-2018`). That form is an English
 * convention: English locales use it, and so does anything `Intl` cannot read (which falls back
 * to English). Every other locale gets its own numeric date ({@link formatNumericDate}).
 */
export function usesCuiDates(locale = 'en-GB'): boolean {
  const cached = cuiCache.get(locale);
  if (cached !== undefined) return cached;
  let cui: boolean;
  try {
    cui = new Intl.DateTimeFormat(locale).resolvedOptions().locale.toLowerCase().startsWith('en');
  } catch {
    cui = true;
  }
  cuiCache.set(locale, cui);
  return cui;
}

/** Calendar (and optionally wall-clock) fields to format; absent fields were not recorded. */
export interface DateFields {
  readonly year: number;
  readonly month?: number;
  readonly day?: number;
  readonly hour?: number;
  readonly minute?: number;
}

const numericCache = new Map<string, Intl.DateTimeFormat>();

function numericFormat(locale: string, withTime: boolean): Intl.DateTimeFormat {
  const key = `${locale}|${withTime}`;
  let fmt = numericCache.get(key);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat(locale, {
      day: '2-digit',
      month: '2-digit',
      year: 'numeric',
      ...(withTime ? { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' } : {}),
      timeZone: 'UTC',
    } as Intl.DateTimeFormatOptions);
    numericCache.set(key, fmt);
  }
  return fmt;
}

/**
 * Formats date fields in the locale's own numeric form (`Intl`), at exactly the precision given:
 * de `31.07.1952`, `07.1952`, `1952`, `22.11.2026, 00:51`; fr `31/07/1952`; ja `1952/07/31`.
 * A month-precision date is the locale's numeric date with the day (and its separator) taken
 * out, so it never shows a day that was not recorded. The fields are shown as given: they are
 * laid out in UTC, so the calendar day never moves with the viewer's time zone.
 */
export function formatNumericDate(fields: DateFields, locale: string): string {
  const { year, month, day, hour, minute } = fields;
  const withTime = day !== undefined && hour !== undefined && minute !== undefined;
  const d = new Date(Date.UTC(2000, (month ?? 1) - 1, day ?? 1, withTime ? hour : 0, withTime ? minute : 0));
  d.setUTCFullYear(year); // Date.UTC maps years 0–99 to 1900–1999
  let fmt: Intl.DateTimeFormat;
  try {
    fmt = numericFormat(locale, withTime);
  } catch {
    fmt = numericFormat('en-GB', withTime);
  }
  if (month === undefined) {
    return fmt.formatToParts(d).find((p) => p.type === 'year')?.value ?? String(year).padStart(4, '0');
  }
  if (day !== undefined) return fmt.format(d);
  // Month precision: drop the day and the separator between it and its neighbour.
  const parts = fmt.formatToParts(d);
  const i = parts.findIndex((p) => p.type === 'day');
  if (i < 0) return fmt.format(d);
  const next = parts[i + 1];
  const drop = next && next.type === 'literal' ? [i, i + 1] : parts[i - 1]?.type === 'literal' ? [i - 1, i] : [i];
  return parts
    .filter((_, k) => !drop.includes(k))
    .map((p) => p.value)
    .join('')
    .trim();
}

const wallClockCache = new Map<string, Intl.DateTimeFormat>();
const calendarCache = new Map<string, Intl.DateTimeFormat>();

/**
 * The `en-US` formatter that splits instants into numeric fields in `timeZone`, built once per
 * zone (building one costs far more than using it; a list of dated rows asks for it per row).
 * An unknown zone throws on every call, as `Intl` does, and is never cached.
 */
function partsFormat(cache: Map<string, Intl.DateTimeFormat>, timeZone: string | undefined, options: () => Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = timeZone ?? '';
  let fmt = cache.get(key);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-US', options());
    cache.set(key, fmt);
  }
  return fmt;
}

/**
 * The wall-clock year, month, day, hour and minute of instant `d` in `timeZone` (the runtime's own
 * zone when absent). Throws a RangeError for an unknown zone, as Intl does.
 */
export function wallClockOf(
  d: Date,
  timeZone?: string,
): { year: number; month: number; day: number; hour: number; minute: number } {
  const parts = partsFormat(wallClockCache, timeZone, () => ({
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    hourCycle: 'h23',
    ...(timeZone ? { timeZone } : {}),
  })).formatToParts(d);
  const get = (t: Intl.DateTimeFormatPartTypes): number => Number(parts.find((x) => x.type === t)?.value);
  return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour') % 24, minute: get('minute') };
}

function wallClockIn(p: ParsedFhirDate, timeZone: string): ParsedFhirDate | null {
  const range = fhirDateRange(p);
  if (!range) return null;
  try {
    return { ...p, ...wallClockOf(new Date(range.start), timeZone) };
  } catch {
    return null;
  }
}

/**
 * Formats already-parsed date fields for display, keeping the recorded precision.
 * English (NHS CUI): year → `1970`; month → `May 1970`; day → `22-May-2018`;
 * time → `22-May-2018 14:05`. Other locales get their own numeric form through `Intl`
 * (de: `1970`, `05.1970`, `22.05.2018`, `22.05.2018, 14:05`; see {@link formatNumericDate}).
 */
export function formatParsedDate(p: ParsedFhirDate, locale = 'en-GB', options: FormatDateOptions = {}): string {
  let q = p;
  // A time without an offset is a local time of unknown zone: it cannot be converted, so it is shown as written.
  if (p.precision === 'time' && p.offsetMinutes !== undefined && options.timeZone && options.time !== false) {
    q = wallClockIn(p, options.timeZone) ?? p;
  }
  if (!usesCuiDates(locale)) {
    const showTime = q.precision === 'time' && options.time !== false;
    return formatNumericDate(
      {
        year: q.year,
        ...(q.month !== undefined ? { month: q.month } : {}),
        ...(q.day !== undefined ? { day: q.day } : {}),
        ...(showTime ? { hour: q.hour!, minute: q.minute! } : {}),
      },
      locale,
    );
  }
  const months = shortMonthNames(locale);
  switch (q.precision) {
    case 'year':
      return String(q.year).padStart(4, '0');
    case 'month':
      return `${months[q.month! - 1]} ${String(q.year).padStart(4, '0')}`;
    case 'day':
    case 'time': {
      const date = `${pad2(q.day!)}-${months[q.month! - 1]}-${String(q.year).padStart(4, '0')}`;
      if (q.precision === 'day' || options.time === false) return date;
      return `${date} ${pad2(q.hour!)}:${pad2(q.minute!)}`;
    }
  }
}

/**
 * Formats a FHIR date/dateTime/instant for display, keeping the recorded precision: in English
 * NHS CUI style `DD-Mmm-YYYY` (`1970-05` → `May 1970`, never `01-May-1970`); in other locales
 * the locale's numeric date (de `22.05.2018`, `05.1970`). Returns `null` when the value
 * is absent or not a valid FHIR date, so the caller can say "Not known".
 */
export function formatFhirDate(value: unknown, locale = 'en-GB', options: FormatDateOptions = {}): string | null {
  const p = parseFhirDate(value);
  return p ? formatParsedDate(p, locale, options) : null;
}

/**
 * Today's calendar date in a time zone (default: the runtime's own zone), for age calculations.
 */
export function calendarDateOf(date: Date, timeZone?: string): CalendarDate {
  const parts = partsFormat(calendarCache, timeZone, () => ({
    timeZone,
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
  })).formatToParts(date);
  const get = (t: string): number => Number(parts.find((x) => x.type === t)?.value);
  return { year: get('year'), month: get('month'), day: get('day') };
}

/** An age split into calendar parts, with its display rule applied. */
export interface Age {
  /** Completed years. */
  readonly years: number;
  /** Completed months after the completed years (0–11). */
  readonly months: number;
  /** Days after the completed months (0–30). */
  readonly days: number;
  /** Completed weeks since birth (used for babies under a month). */
  readonly weeks: number;
  /** Days since birth. */
  readonly totalDays: number;
  /**
   * `true` when the birth date (or the date of comparison) was partial, so the age is only
   * known to the year; `display` is then years only, or a range such as `52–53y`.
   */
  readonly approximate: boolean;
  /** Which display rule applied; lets an element localize `display` itself. */
  readonly unit: 'days' | 'weeks-days' | 'months-days' | 'years-months' | 'years' | 'years-range';
  /** English short form: `5d`, `2w 3d`, `3m 12d`, `1y 3m`, `53y`, `52–53y`. */
  readonly display: string;
}

function toEpochDay(d: CalendarDate): number {
  return Math.round(Date.UTC(d.year, d.month - 1, d.day) / 86_400_000);
}

function addMonthsClamped(d: CalendarDate, months: number): CalendarDate {
  const idx = d.year * 12 + (d.month - 1) + months;
  const year = Math.floor(idx / 12);
  const month = (idx % 12) + 1;
  return { year, month, day: Math.min(d.day, daysInMonth(year, month)) };
}

/** Completed calendar years/months/days from `birth` to `at`; `null` if `at` is before `birth`. */
function calendarDiff(birth: CalendarDate, at: CalendarDate): { years: number; months: number; days: number; totalDays: number } | null {
  const totalDays = toEpochDay(at) - toEpochDay(birth);
  if (totalDays < 0) return null;
  let months = (at.year - birth.year) * 12 + (at.month - birth.month);
  if (at.day < birth.day) months -= 1;
  // A birthday on the 29th–31st counts as reached on the 1st of a shorter month (29 Feb → 1 Mar).
  const clamped = addMonthsClamped(birth, months);
  // When the month is too short for the birth day, the anniversary falls on the 1st of the next month.
  const anniversary =
    clamped.day < birth.day ? addMonthsClamped({ year: clamped.year, month: clamped.month, day: 1 }, 1) : clamped;
  const days = toEpochDay(at) - toEpochDay(anniversary);
  return { years: Math.floor(months / 12), months: months % 12, days, totalDays };
}

function shortForm(years: number, months: number, days: number, totalDays: number): { unit: Age['unit']; display: string } {
  if (years === 0 && months === 0) {
    if (totalDays < 7) return { unit: 'days', display: `${totalDays}d` };
    const w = Math.floor(totalDays / 7);
    const d = totalDays % 7;
    return { unit: 'weeks-days', display: d ? `${w}w ${d}d` : `${w}w` };
  }
  if (years === 0) return { unit: 'months-days', display: days ? `${months}m ${days}d` : `${months}m` };
  if (years < 2) return { unit: 'years-months', display: months ? `${years}y ${months}m` : `${years}y` };
  return { unit: 'years', display: `${years}y` };
}

function asCalendar(value: string | Date | CalendarDate, timeZone?: string): { date: CalendarDate; exact: boolean; latest: CalendarDate } | null {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return null;
    const d = calendarDateOf(value, timeZone);
    return { date: d, exact: true, latest: d };
  }
  if (typeof value === 'object' && value !== null) {
    const d = value as CalendarDate;
    if (!Number.isInteger(d.year) || !Number.isInteger(d.month) || !Number.isInteger(d.day)) return null;
    return { date: d, exact: true, latest: d };
  }
  const p = parseFhirDate(value);
  if (!p) return null;
  // A dateTime's calendar day is the one written in its own offset (the local day where it happened).
  if (p.precision === 'year') {
    return { date: { year: p.year, month: 1, day: 1 }, exact: false, latest: { year: p.year, month: 12, day: 31 } };
  }
  if (p.precision === 'month') {
    return {
      date: { year: p.year, month: p.month!, day: 1 },
      exact: false,
      latest: { year: p.year, month: p.month!, day: daysInMonth(p.year, p.month!) },
    };
  }
  const d = { year: p.year, month: p.month!, day: p.day! };
  return { date: d, exact: true, latest: d };
}

/**
 * Age at a date, per the display rules used for the patient banner:
 * under 1 week: days (`5d`); under 1 month: weeks and days (`2w 3d`); under 1 year: months and
 * days (`3m 12d`); under 2 years: years and months (`1y 3m`); otherwise years (`53y`).
 *
 * `at` defaults to today in `timeZone` (the runtime's zone if absent). It may be a FHIR
 * date/dateTime string (e.g. a date of death: its calendar day as recorded is used), a `Date`,
 * or a {@link CalendarDate}. Returns `null` when the birth date is unknown or invalid, or when
 * `at` is before the birth date. A partial birth date yields an `approximate` age in years.
 */
export function ageAt(
  birthDate: string | null | undefined,
  at: string | Date | CalendarDate = new Date(),
  options: { timeZone?: string } = {},
): Age | null {
  if (typeof birthDate !== 'string') return null;
  const birth = asCalendar(birthDate);
  const when = asCalendar(at, options.timeZone);
  if (!birth || !when) return null;
  if (birth.exact && when.exact) {
    const diff = calendarDiff(birth.date, when.date);
    if (!diff) return null;
    const { unit, display } = shortForm(diff.years, diff.months, diff.days, diff.totalDays);
    return { ...diff, weeks: Math.floor(diff.totalDays / 7), approximate: false, unit, display };
  }
  // Partial dates: the oldest possible age (earliest birth, latest "at") and the youngest.
  const oldest = calendarDiff(birth.date, when.latest);
  const youngest = calendarDiff(birth.latest, when.date);
  if (!oldest) return null;
  const base = youngest ?? { years: 0, months: 0, days: 0, totalDays: 0 };
  const display = base.years === oldest.years ? `${base.years}y` : `${base.years}–${oldest.years}y`;
  return {
    ...base,
    weeks: Math.floor(base.totalDays / 7),
    approximate: true,
    unit: base.years === oldest.years ? 'years' : 'years-range',
    display,
  };
}
