import type { ReactiveController, ReactiveControllerHost } from 'lit';
import en, { type Translation } from './en.js';
import { formatNumericDate, usesCuiDates } from '../../../fhir/dates.js';

/** Keys of every term (`$code`, `$name`, `$dir` are metadata, not terms). */
export type TermKey = Exclude<keyof Translation, `$${string}`>;
/** The arguments a term takes: none for a plain string, the function's parameters otherwise. */
export type TermArgs<K extends TermKey> = Translation[K] extends (...args: infer A) => string ? A : [];
/** A translation file. A partial one falls back to English term by term. */
export type PartialTranslation = Partial<Translation> & Pick<Translation, '$code' | '$name' | '$dir'>;

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
    return new Intl.DateTimeFormat(this.lang, opts).format(d);
  }

  /**
   * Clinical date. English: `DD-Mmm-YYYY` (NHS CUI: `25-Dec-1974`); partial FHIR dates keep their
   * precision: `Dec-1974`, `1974`. Other languages: the locale's own numeric date through `Intl`
   * (de `25.12.1974`, `12.1974`, `1974`) — the three-letter-month form is an English convention.
   * Date-only FHIR strings are calendar dates and never move with the time zone.
   * Unparseable input → "Not known".
   */
  clinicalDate(value: DateInput | undefined | null, options: { timeZone?: string } = {}): string {
    if (value === undefined || value === null || value === '') return this.term('notKnown');
    const m = typeof value === 'string' ? DATE_ONLY.exec(value) : null;
    if (m && !m[2]) return m[1]!;
    const d = toDate(value);
    if (Number.isNaN(d.getTime())) return this.term('notKnown');
    const timeZone = m ? 'UTC' : options.timeZone;
    if (!usesCuiDates(this.lang)) {
      if (m) {
        // The fields exactly as written; a day that does not exist (`2019-02-30`) is not known.
        const month = Number(m[2]);
        const day = m[3] ? Number(m[3]) : undefined;
        if (d.getUTCMonth() + 1 !== month || (day !== undefined && d.getUTCDate() !== day)) return this.term('notKnown');
        return formatNumericDate({ year: Number(m[1]), month, ...(day !== undefined ? { day } : {}) }, this.lang);
      }
      return new Intl.DateTimeFormat(this.lang, { day: '2-digit', month: '2-digit', year: 'numeric', timeZone }).format(d);
    }
    const parts = new Intl.DateTimeFormat(this.lang, { day: '2-digit', month: 'short', year: 'numeric', timeZone }).formatToParts(d);
    const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
    const month = part('month').replace(/\.$/, '');
    return m && !m[3] ? `${month}-${part('year')}` : `${part('day')}-${month}-${part('year')}`;
  }

  /**
   * Clinical date and time in 24-hour time. English: `DD-Mmm-YYYY HH:mm` (`21-Nov-2026 14:03`);
   * other languages: the locale's numeric form (de `21.11.2026, 14:03`). A date-only FHIR string
   * is shown as a date ({@link clinicalDate}).
   */
  clinicalDateTime(value: DateInput | undefined | null, options: { timeZone?: string } = {}): string {
    if (value === undefined || value === null || value === '') return this.term('notKnown');
    if (typeof value === 'string' && DATE_ONLY.test(value)) return this.clinicalDate(value);
    const d = toDate(value);
    if (Number.isNaN(d.getTime())) return this.term('notKnown');
    if (!usesCuiDates(this.lang)) {
      return new Intl.DateTimeFormat(this.lang, {
        day: '2-digit',
        month: '2-digit',
        year: 'numeric',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
        timeZone: options.timeZone,
      }).format(d);
    }
    const time = new Intl.DateTimeFormat(this.lang, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: options.timeZone }).format(d);
    return `${this.clinicalDate(d, options)} ${time}`;
  }

  /** Locale number formatting (`Intl.NumberFormat`). */
  number(value: number, options?: Intl.NumberFormatOptions): string {
    return new Intl.NumberFormat(this.lang, options).format(value);
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
    const rtf = new Intl.RelativeTimeFormat(this.lang, { numeric: 'auto' });
    for (const [unit, size] of units) {
      if (abs >= size) return rtf.format(Math.round(seconds / size), unit);
    }
    return rtf.format(seconds, 'second');
  }

  /** "A, B and C" in the current language (`Intl.ListFormat`). */
  list(items: readonly string[], type: 'conjunction' | 'disjunction' | 'unit' = 'conjunction'): string {
    return new Intl.ListFormat(this.lang, { style: 'long', type }).format(items);
  }
}
