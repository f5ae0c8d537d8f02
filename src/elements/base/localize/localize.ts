import type { ReactiveController, ReactiveControllerHost } from 'lit';
import en, { type Translation } from './en.js';
import {
  calendarDateOf,
  fhirDateRange,
  formatParsedDate,
  parseFhirDate,
  shortMonthNames,
  usesCuiDates,
  wallClockOf,
  type ParsedFhirDate,
} from '../../../fhir/dates.js';

/** Keys of every term (`$code`, `$name`, `$dir` are metadata, not terms). */
export type TermKey = Exclude<keyof Translation, `$${string}`>;
/** The arguments a term takes: none for a plain string, the function's parameters otherwise. */
export type TermArgs<K extends TermKey> = Translation[K] extends (...args: infer A) => string ? A : [];
/** A translation file. A partial one falls back to English term by term. */
export type PartialTranslation = Partial<Translation> & Pick<Translation, '$code' | '$name' | '$dir'>;

const formats = new Map<string, Intl.RelativeTimeFormat | Intl.ListFormat | Intl.NumberFormat | Intl.DateTimeFormat>();

/**
 * One `Intl` formatter per language and kind, built on first use: building one costs far more
 * than using it, and a list asks for one per row (every source badge, every "A and B").
 */
function cachedFormat<F extends Intl.RelativeTimeFormat | Intl.ListFormat | Intl.NumberFormat | Intl.DateTimeFormat>(key: string, make: () => F): F {
  let fmt = formats.get(key) as F | undefined;
  if (!fmt) {
    fmt = make();
    formats.set(key, fmt);
  }
  return fmt;
}

const translations = new Map<string, PartialTranslation>([['en', en]]);
const fallback: Translation = en;

/**
 * Makes a language available. English is always there; others are opt-in so that a host pays
 * only for the languages it ships: `registerTranslation(de)`.
 */
export function registerTranslation(...list: PartialTranslation[]): void {
  for (const t of list) translations.set(t.$code.toLowerCase(), t);
  for (const c of connected) c.refresh();
}

/** The registered translation for `lang` (`de-AT` → `de` → English). */
export function translationFor(lang: string): PartialTranslation {
  const code = lang.toLowerCase();
  return translations.get(code) ?? translations.get(code.split('-')[0]!) ?? fallback;
}

/** Walks up through shadow roots to the nearest element with the attribute. */
function closestAttribute(start: Element, attr: 'lang' | 'dir'): string | undefined {
  let node: Node | null = start;
  while (node) {
    if (node instanceof Element) {
      const value = node.getAttribute(attr);
      if (value) return value;
    }
    node = node instanceof ShadowRoot ? node.host : node.parentNode;
  }
  return undefined;
}

/**
 * Value accepted by the date helpers: a `Date`, epoch milliseconds, or an ISO/FHIR date string.
 * FHIR `date` strings without a time (`1974`, `1974-12`, `1974-12-25`) are calendar dates and are
 * formatted as such, never shifted by the viewer's time zone.
 */
export type DateInput = Date | number | string;

const DATE_ONLY = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;

function toDate(value: DateInput): Date {
  return value instanceof Date ? value : new Date(value);
}

const connected = new Set<Localize>();
let observer: MutationObserver | undefined;

function watchDocument() {
  if (observer || typeof MutationObserver === 'undefined') return;
  // Attribute changes of lang/dir anywhere in the light DOM (e.g. the host app switching
  // language on <html> or on a wrapper) re-render the elements whose resolved language changed.
  observer = new MutationObserver(() => {
    for (const c of connected) c.refresh();
  });
  observer.observe(document.documentElement, { attributes: true, subtree: true, attributeFilter: ['lang', 'dir'] });
}

/**
 * Localization for one element. The language is the host's own `lang`, else the nearest
 * ancestor's `[lang]` (through shadow roots), else `<html lang>`, else the browser's language;
 * text direction likewise from `[dir]`. Changes to those attributes in the document re-render.
 *
 * ```ts
 * private localize = new Localize(this);
 * render() { return html`${this.localize.term('asOf', this.localize.clinicalDateTime(t))}`; }
 * ```
 */
export class Localize implements ReactiveController {
  private readonly host: ReactiveControllerHost & HTMLElement;
  private resolvedLang = '';
  private resolvedDir: 'ltr' | 'rtl' = 'ltr';
  private hostObserver?: MutationObserver;

  constructor(host: ReactiveControllerHost & HTMLElement) {
    this.host = host;
    host.addController(this);
  }

  hostConnected(): void {
    connected.add(this);
    watchDocument();
    // The host's own attributes may sit inside another element's shadow root, which the
    // document observer cannot see.
    this.hostObserver ??= new MutationObserver(() => this.refresh());
    this.hostObserver.observe(this.host, { attributes: true, attributeFilter: ['lang', 'dir'] });
    this.resolve();
  }

  hostDisconnected(): void {
    connected.delete(this);
    this.hostObserver?.disconnect();
  }

  /** Re-reads lang/dir and re-renders the host if either changed. */
  refresh(): void {
    const before = `${this.resolvedLang}|${this.resolvedDir}`;
    this.resolve();
    if (`${this.resolvedLang}|${this.resolvedDir}` !== before) this.host.requestUpdate();
  }

  private resolve() {
    const lang =
      closestAttribute(this.host, 'lang') ||
      (typeof navigator !== 'undefined' ? navigator.language : '') ||
      'en';
    this.resolvedLang = lang;
    const dir = closestAttribute(this.host, 'dir');
    this.resolvedDir = dir === 'rtl' ? 'rtl' : dir === 'ltr' ? 'ltr' : (translationFor(lang).$dir ?? 'ltr');
  }

  /** BCP 47 language in effect, e.g. `'de-DE'`. */
  get lang(): string {
    if (!this.resolvedLang) this.resolve();
    return this.resolvedLang;
  }

  /** Text direction in effect. */
  get dir(): 'ltr' | 'rtl' {
    if (!this.resolvedLang) this.resolve();
    return this.resolvedDir;
  }

  /** A term in the current language (English when the language or the term is missing). */
  term<K extends TermKey>(key: K, ...args: TermArgs<K>): string {
    const t = translationFor(this.lang);
    const value = (t[key] ?? fallback[key]) as string | ((...a: unknown[]) => string);
    return typeof value === 'function' ? value(...args) : value;
  }

  /** Any `Intl.DateTimeFormat` output. Date-only FHIR strings are formatted in UTC (no shift). */
  date(value: DateInput, options: Intl.DateTimeFormatOptions = { dateStyle: 'medium' }): string {
    const dateOnly = typeof value === 'string' && DATE_ONLY.test(value);
    const opts = dateOnly ? { ...options, timeZone: 'UTC' } : options;
    const d = toDate(value);
    if (Number.isNaN(d.getTime())) return this.term('notKnown');
    return cachedFormat(`dtf|${this.lang}|${JSON.stringify(opts)}`, () => new Intl.DateTimeFormat(this.lang, opts)).format(d);
  }

  /**
   * Clinical date. English: `DD-Mmm-YYYY` (NHS CUI: `25-Dec-1974`); partial FHIR dates keep their
   * precision: `Dec-1974`, `1974`. Other languages: the locale's own numeric date through `Intl`
   * (de `25.12.1974`, `12.1974`, `1974`) — the three-letter-month form is an English convention.
   *
   * Strings are FHIR date/dateTime/instant values from the record: they are shown as recorded —
   * the calendar day as written, in the source's own offset, never moved by the viewer's time
   * zone (unless `options.timeZone` asks for a conversion). A day that does not exist
   * (`1970-02-30`), or anything that is not a FHIR date, is "Not known" in every language.
   * A `Date` or epoch number (the app's own instants, e.g. sync times) is shown in local time
   * (or `options.timeZone`).
   */
  clinicalDate(value: DateInput | undefined | null, options: { timeZone?: string } = {}): string {
    if (value === undefined || value === null || value === '') return this.term('notKnown');
    if (typeof value === 'string') {
      const p = parseFhirDate(value);
      if (!p) return this.term('notKnown');
      return this.formatRecordedDate(p, options.timeZone);
    }
    const d = toDate(value);
    if (Number.isNaN(d.getTime())) return this.term('notKnown');
    return this.formatRecordedDate(this.localFields(d, options.timeZone), undefined);
  }

  /**
   * Clinical date and time in 24-hour time. English: `DD-Mmm-YYYY HH:mm` (`21-Nov-2026 14:03`);
   * other languages: the locale's numeric form (de `21.11.2026, 14:03`). A FHIR string without a
   * time is shown as a date ({@link clinicalDate}); one with a time shows the wall clock as
   * recorded (no time-zone conversion unless `options.timeZone` is given). A `Date` or epoch
   * number is shown in local time (or `options.timeZone`).
   */
  clinicalDateTime(value: DateInput | undefined | null, options: { timeZone?: string } = {}): string {
    if (value === undefined || value === null || value === '') return this.term('notKnown');
    let p: ParsedFhirDate | null;
    if (typeof value === 'string') {
      p = parseFhirDate(value);
      if (!p) return this.term('notKnown');
      if (p.precision !== 'time') return this.formatRecordedDate(p, undefined);
      return formatParsedDate(p, this.lang, { time: true, ...(options.timeZone ? { timeZone: options.timeZone } : {}) });
    }
    const d = toDate(value);
    if (Number.isNaN(d.getTime())) return this.term('notKnown');
    return formatParsedDate(this.localFields(d, options.timeZone), this.lang, { time: true });
  }

  /** The wall-clock fields of an instant in `timeZone` (the runtime's own zone when absent). */
  private localFields(d: Date, timeZone: string | undefined): ParsedFhirDate {
    return { original: '', precision: 'time', ...wallClockOf(d, timeZone) };
  }

  /** A parsed date as a clinical date (no time), at its recorded precision. */
  private formatRecordedDate(p: ParsedFhirDate, timeZone: string | undefined): string {
    let q = p;
    // An explicit zone converts a dateTime that carries an offset; nothing else ever moves.
    if (timeZone && p.precision === 'time' && p.offsetMinutes !== undefined) {
      const range = fhirDateRange(p);
      if (range) {
        try {
          q = { ...p, ...calendarDateOf(new Date(range.start), timeZone) };
        } catch {
          q = p;
        }
      }
    }
    // English month precision keeps its `Dec-1974` form.
    if (q.precision === 'month' && usesCuiDates(this.lang)) {
      return `${shortMonthNames(this.lang)[q.month! - 1]}-${String(q.year).padStart(4, '0')}`;
    }
    return formatParsedDate(q, this.lang, { time: false });
  }

  /** Locale number formatting (`Intl.NumberFormat`). */
  number(value: number, options?: Intl.NumberFormatOptions): string {
    return cachedFormat(`nf|${this.lang}|${options ? JSON.stringify(options) : ''}`, () => new Intl.NumberFormat(this.lang, options)).format(value);
  }

  /** "5 minutes ago", "vor 2 Stunden", "yesterday" (`Intl.RelativeTimeFormat`, largest fitting unit). */
  relativeTime(value: DateInput, now: number = Date.now()): string {
    const d = toDate(value);
    if (Number.isNaN(d.getTime())) return this.term('notKnown');
    const seconds = Math.round((d.getTime() - now) / 1000);
    const abs = Math.abs(seconds);
    const units: Array<[Intl.RelativeTimeFormatUnit, number]> = [
      ['year', 31_536_000],
      ['month', 2_592_000],
      ['week', 604_800],
      ['day', 86_400],
      ['hour', 3_600],
      ['minute', 60],
    ];
    const rtf = cachedFormat(`rtf|${this.lang}`, () => new Intl.RelativeTimeFormat(this.lang, { numeric: 'auto' }));
    for (const [unit, size] of units) {
      if (abs >= size) return rtf.format(Math.round(seconds / size), unit);
    }
    return rtf.format(seconds, 'second');
  }

  /** "A, B and C" in the current language (`Intl.ListFormat`). */
  list(items: readonly string[], type: 'conjunction' | 'disjunction' | 'unit' = 'conjunction'): string {
    return cachedFormat(`list|${this.lang}|${type}`, () => new Intl.ListFormat(this.lang, { style: 'long', type })).format(items);
  }
}
