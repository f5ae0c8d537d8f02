/**
 * Laboratory results for the timeline: one {@link LabResult} per Observation (value, ranges,
 * verdict, interpretation, status), grouped by test (LOINC first, then other codings, then text)
 * with their panel and report, possible duplicate tests across providers, and the filters.
 *
 * Safety rules kept here, not in the element:
 * - entered-in-error results are never in a group (they are counted apart by the caller);
 * - a value outside the chosen range is abnormal even when the source recorded no interpretation;
 * - results in different units are never one comparable line (`comparable: false`); nothing is
 *   converted;
 * - a comparator value (`<5`) is plotted at its bound as an open marker (`openMarker`), never as
 *   the number alone.
 */
import type { CodeableConcept, DiagnosticReport, Observation, Reference } from 'fhir/r4';
import { canonicalSystem, conceptText, normalizeConceptName, SYSTEMS } from './codings.js';
import { fhirDateSortKey } from './dates.js';
import { parseReference } from './references.js';
import { interpretationsOf, observationStatus, type InterpretationInfo, type ObservationStatusInfo } from './status.js';
import { labValueOf, type LabValue } from './lab-values.js';
import { chooseRange, rangesOf, rangeVerdict, type LabRange, type PatientFacts, type RangeVerdict } from './lab-ranges.js';

export type { PatientFacts } from './lab-ranges.js';

/** One component of a result (blood pressure's systolic and diastolic). */
export interface LabComponent {
  codeKey: string;
  name: string;
  value: LabValue;
  ranges: LabRange[];
  range?: LabRange;
  verdict: RangeVerdict;
  interpretations: InterpretationInfo[];
}

/** One Observation, read for the timeline. */
export interface LabResult {
  /** `source/Observation/id`. */
  key: string;
  source: string;
  id: string;
  resource: Observation;
  /** The test: `http://loinc.org|718-7` when LOINC-coded, else the first other coding, else `text:<normalized name>`. */
  codeKey: string;
  /** The test's name as recorded (text, else a coding's display, else the code). */
  name: string;
  /** Every `system|code` of the test. */
  codes: string[];
  /** effective[x] (a period's start) or, failing that, `issued`; `''` when undated. */
  date: string;
  /** Milliseconds at the start of `date`; `null` when undated. */
  dateKey: number | null;
  status: ObservationStatusInfo;
  /** amended or corrected. */
  corrected: boolean;
  enteredInError: boolean;
  preliminary: boolean;
  value: LabValue;
  components: LabComponent[];
  ranges: LabRange[];
  /** The range that applies to this patient at this date (see `chooseRange`). */
  range?: LabRange;
  verdict: RangeVerdict;
  interpretations: InterpretationInfo[];
  /** A critical interpretation (HH, LL, AA …), on the result or a component. */
  critical: boolean;
  /** An abnormal interpretation, or outside the applicable range (result or component). */
  abnormal: boolean;
  /** The number to plot; for a comparator value, its bound. */
  numeric?: number;
  /** A comparator value: drawn open at its bound. */
  openMarker: boolean;
  /** The unit key of a numeric value; `''` otherwise. */
  unitKey: string;
  /** `meta.versionId`, when recorded. */
  versionId?: string;
  /** Set by {@link groupLabResults}: the report (`source/DiagnosticReport/id`) listing this result. */
  reportKey?: string;
  /** Set by {@link groupLabResults}: the panel Observation (`source/Observation/id`) that has this result as a member. */
  panelKey?: string;
}

const LOINC = SYSTEMS.LOINC;

function codingKeys(cc: CodeableConcept | undefined): string[] {
  const list = Array.isArray(cc?.coding) ? cc!.coding! : [];
  const keys: string[] = [];
  for (const c of list) {
    if (!c || typeof c.code !== 'string' || !c.code.trim()) continue;
    const system = canonicalSystem(c.system) ?? '';
    keys.push(`${system}|${c.code.trim()}`);
  }
  return keys;
}

/** The test key of a code: LOINC first, then the first other coding, then the normalized text. */
export function testKey(cc: CodeableConcept | undefined): string {
  const keys = codingKeys(cc);
  const loinc = keys.find((k) => k.startsWith(`${LOINC}|`));
  if (loinc) return loinc;
  const other = keys.find((k) => !k.startsWith('|'));
  if (other) return other;
  const text = normalizeConceptName(conceptText(cc) ?? '');
  return text ? `text:${text.slice(0, 200)}` : keys[0] ?? 'text:';
}

function dateOf(obs: Observation): string {
  const candidates = [obs.effectiveDateTime, obs.effectiveInstant, obs.effectivePeriod?.start, obs.effectivePeriod?.end, obs.issued];
  for (const c of candidates) if (typeof c === 'string' && fhirDateSortKey(c) !== null) return c.trim();
  return '';
}

const SYSTOLIC = `${LOINC}|8480-6`;
const DIASTOLIC = `${LOINC}|8462-4`;
/** Systolic first, diastolic second, every other component after them in recorded order. */
function componentRank(key: string): number {
  return key === SYSTOLIC ? 0 : key === DIASTOLIC ? 1 : 2;
}

/** Options for reading a result. */
export interface LabResultOptions {
  /** Locale for numbers; default `en-GB`. */
  locale?: string;
}

/** Reads one Observation from `source` for a patient with `patient` facts (sex, birth date for ranges). */
export function labResultOf(obs: Observation, source: string, patient: PatientFacts = {}, options: LabResultOptions = {}): LabResult {
  const id = typeof obs.id === 'string' ? obs.id : '';
  const date = dateOf(obs);
  const status = observationStatus(obs);
  const value = labValueOf(obs, options);
  const ranges = rangesOf(obs, options);
  const range = chooseRange(ranges, patient, date);
  const verdict = rangeVerdict(value, range);
  const interpretations = interpretationsOf(obs);
  const components: LabComponent[] = (Array.isArray(obs.component) ? obs.component : [])
    .filter((c) => c && typeof c === 'object')
    .map((c) => {
      const cv = labValueOf(c, options);
      const cr = rangesOf(c, options);
      const chosen = chooseRange(cr, patient, date);
      return {
        codeKey: testKey(c.code),
        name: conceptText(c.code) ?? '',
        value: cv,
        ranges: cr,
        ...(chosen ? { range: chosen } : {}),
        verdict: rangeVerdict(cv, chosen),
        interpretations: interpretationsOf(c),
      };
    });
  // Blood pressure is read systolic over diastolic, whatever order the record lists them in.
  components.sort((a, b) => componentRank(a.codeKey) - componentRank(b.codeKey));
  const out = (v: RangeVerdict) => v === 'below' || v === 'above';
  const critical = interpretations.some((i) => i.critical) || components.some((c) => c.interpretations.some((i) => i.critical));
  const abnormal =
    critical ||
    interpretations.some((i) => i.abnormal) ||
    out(verdict) ||
    components.some((c) => out(c.verdict) || c.interpretations.some((i) => i.abnormal));
  const numeric = value.kind === 'quantity' ? value.value : undefined;
  const versionId = typeof obs.meta?.versionId === 'string' ? obs.meta.versionId : undefined;
  return {
    key: `${source}/Observation/${id}`,
    source,
    id,
    resource: obs,
    codeKey: testKey(obs.code),
    name: conceptText(obs.code) ?? codingKeys(obs.code)[0]?.split('|')[1] ?? '',
    codes: codingKeys(obs.code),
    date,
    dateKey: date ? fhirDateSortKey(date) : null,
    status,
    corrected: status.revised,
    enteredInError: status.key === 'entered-in-error',
    preliminary: status.preliminary,
    value,
    components,
    ranges,
    ...(range ? { range } : {}),
    verdict,
    interpretations,
    critical,
    abnormal,
    ...(numeric !== undefined ? { numeric } : {}),
    openMarker: value.kind === 'quantity' && value.comparator !== undefined,
    unitKey: value.kind === 'quantity' ? value.unitKey : '',
    ...(versionId ? { versionId } : {}),
  };
}

/** A report as the timeline shows it beside its results. */
export interface LabReportInfo {
  key: string;
  name: string;
  /** As recorded (`final`, `partial`, `amended` …); `unknown` when missing. */
  status: string;
  conclusion?: string;
  date: string;
}

/** Two results of the same test from different providers within the duplicate window. */
export interface DuplicatePair {
  a: string;
  b: string;
}

/** One test: every result of one code (or of one host group), newest first. */
export interface LabGroup {
  codeKey: string;
  name: string;
  /** Newest first; never entered-in-error. */
  results: LabResult[];
  latest?: LabResult;
  /** Distinct units among numeric results. */
  unitKeys: string[];
  /** `false` when numeric results come in more than one unit: never joined into one trend. */
  comparable: boolean;
  duplicates: DuplicatePair[];
  /** Sources of the results, in first-seen order (newest first). */
  sources: string[];
  /** The name of the panel the latest result belongs to. */
  panel?: string;
  /** The report listing the latest result. */
  report?: LabReportInfo;
}

/** How results are grouped. */
export interface GroupingOptions {
  /** A host's analyte map: test key → group key (codes that mean the same analyte share a group). */
  sameAnalyte?: Readonly<Record<string, string>>;
  /** Results of one test from two providers within this many days are possible duplicates; 0 (default) means the same calendar day. */
  duplicateWindowDays?: number;
}

/** A DiagnosticReport with the source it came from. */
export type SourcedReport = DiagnosticReport & { source?: string };

/** `Observation/123` (relative, versioned or absolute) → `123`; anything else `undefined`. */
function observationId(ref: Reference | undefined): string | undefined {
  const parsed = parseReference(ref?.reference);
  return parsed && (parsed.kind === 'relative' || parsed.kind === 'absolute') && parsed.type === 'Observation' ? parsed.id : undefined;
}

const day = (r: LabResult) => r.date.slice(0, 10);
const DAY_MS = 86_400_000;

/** Pairs of results of one test from different providers within the window (see {@link GroupingOptions}). */
export function findDuplicateTests(results: readonly LabResult[], windowDays = 0): DuplicatePair[] {
  const pairs: DuplicatePair[] = [];
  const dated = results.filter((r) => r.dateKey !== null && !r.enteredInError).sort((a, b) => a.dateKey! - b.dateKey!);
  for (let i = 0; i < dated.length; i++) {
    const a = dated[i]!;
    for (let j = i + 1; j < dated.length; j++) {
      const b = dated[j]!;
      // Sorted by time: once b is past the window, so is everything after it.
      if (windowDays <= 0 ? day(b) !== day(a) : b.dateKey! - a.dateKey! > windowDays * DAY_MS) break;
      if (a.source !== b.source) pairs.push({ a: a.key, b: b.key });
    }
  }
  return pairs;
}

/**
 * Groups results by test. `reports` (with their `source`) link results to their report; panel
 * Observations (with `hasMember`) link their members and are not tests themselves unless they
 * carry a value. Groups are sorted by name.
 */
export function groupLabResults(results: readonly LabResult[], options: GroupingOptions = {}, reports: readonly SourcedReport[] = []): LabGroup[] {
  const byKey = new Map(results.map((r) => [r.key, r]));
  const reportOf = new Map<string, LabReportInfo>();
  for (const rep of reports) {
    if (!rep || rep.resourceType !== 'DiagnosticReport' || rep.status === 'entered-in-error') continue;
    const source = rep.source ?? '';
    const info: LabReportInfo = {
      key: `${source}/DiagnosticReport/${rep.id ?? ''}`,
      name: conceptText(rep.code) ?? '',
      status: typeof rep.status === 'string' ? rep.status : 'unknown',
      ...(typeof rep.conclusion === 'string' && rep.conclusion.trim() ? { conclusion: rep.conclusion.trim() } : {}),
      date: rep.effectiveDateTime ?? rep.effectivePeriod?.start ?? rep.issued ?? '',
    };
    for (const ref of Array.isArray(rep.result) ? rep.result : []) {
      const id = observationId(ref);
      if (id) reportOf.set(`${source}/Observation/${id}`, info);
    }
  }
  const panelOf = new Map<string, LabResult>();
  const panels = new Set<string>();
  for (const r of results) {
    const members = Array.isArray(r.resource.hasMember) ? r.resource.hasMember : [];
    for (const m of members) {
      const id = observationId(m);
      if (id) panelOf.set(`${r.source}/Observation/${id}`, r);
    }
    if (members.length && r.value.kind === 'none' && !r.components.length) panels.add(r.key);
  }
  const groups = new Map<string, LabResult[]>();
  for (const r of results) {
    if (r.enteredInError || panels.has(r.key)) continue;
    const report = reportOf.get(r.key);
    const panel = panelOf.get(r.key);
    if (report) r.reportKey = report.key;
    else delete r.reportKey;
    if (panel) r.panelKey = panel.key;
    else delete r.panelKey;
    const key = options.sameAnalyte?.[r.codeKey] ?? r.codeKey;
    let list = groups.get(key);
    if (!list) groups.set(key, (list = []));
    list.push(r);
  }
  const out: LabGroup[] = [];
  for (const [codeKey, list] of groups) {
    list.sort((a, b) => (b.dateKey ?? -Infinity) - (a.dateKey ?? -Infinity) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    out.push(makeGroup(codeKey, list, options, reportOf, byKey));
  }
  return out.sort((a, b) => a.name.localeCompare(b.name, 'en', { sensitivity: 'base' }) || (a.codeKey < b.codeKey ? -1 : 1));
}

function makeGroup(codeKey: string, list: LabResult[], options: GroupingOptions, reportOf: Map<string, LabReportInfo>, byKey: Map<string, LabResult>): LabGroup {
  const latest = list[0];
  const unitKeys = [...new Set(list.filter((r) => r.numeric !== undefined).map((r) => r.unitKey))];
  const panel = latest?.panelKey ? byKey.get(latest.panelKey) : undefined;
  const report = latest ? reportOf.get(latest.key) : undefined;
  return {
    codeKey,
    name: latest?.name ?? '',
    results: list,
    ...(latest ? { latest } : {}),
    unitKeys,
    comparable: unitKeys.length <= 1,
    duplicates: findDuplicateTests(list, options.duplicateWindowDays ?? 0),
    sources: [...new Set(list.map((r) => r.source))],
    ...(panel ? { panel: panel.name } : {}),
    ...(report ? { report } : {}),
  };
}

/** Observation categories the timeline shows by default. */
export const DEFAULT_LAB_CATEGORIES = ['laboratory', 'vital-signs'] as const;

/**
 * Whether a result is in one of `categories` (observation-category codes). A result with no
 * category is kept: nothing says it is not a laboratory result. `*` keeps everything.
 */
export function inCategories(r: LabResult, categories: readonly string[]): boolean {
  if (categories.includes('*')) return true;
  const codes = (Array.isArray(r.resource.category) ? r.resource.category : []).flatMap((c) => (Array.isArray(c?.coding) ? c.coding : []).map((x) => x?.code));
  const known = codes.filter((c): c is string => typeof c === 'string');
  return known.length === 0 || known.some((c) => categories.includes(c));
}

/** The timeline's filters. */
export interface LabFilter {
  /** Results on or after this date (`YYYY-MM-DD`). */
  from?: string;
  /** Results on or before this date. */
  to?: string;
  /** Words the test name must contain (case- and accent-insensitive). */
  text?: string;
  /** Only tests with an abnormal result among those shown. */
  abnormalOnly?: boolean;
}

/**
 * Applies the filters: results outside the dates are hidden, tests left with none are hidden,
 * then the name and abnormal-only tests. Counts say what was hidden: the element says "showing
 * N of M" from them.
 */
export function filterLabGroups(groups: readonly LabGroup[], f: LabFilter): { groups: LabGroup[]; shownResults: number; totalResults: number } {
  const totalResults = groups.reduce((n, g) => n + g.results.length, 0);
  const words = normalizeConceptName(f.text ?? '');
  const from = f.from?.slice(0, 10);
  const to = f.to?.slice(0, 10);
  const out: LabGroup[] = [];
  for (const g of groups) {
    if (words && !normalizeConceptName(g.name).includes(words)) continue;
    let results = g.results;
    if (from || to) {
      results = results.filter((r) => {
        const d = day(r);
        if (!d) return false;
        if (from && d < from) return false;
        if (to && d > to) return false;
        return true;
      });
    }
    if (!results.length) continue;
    if (f.abnormalOnly && !results.some((r) => r.abnormal)) continue;
    if (results === g.results) out.push(g);
    else {
      const latest = results[0]!;
      const keys = new Set(results.map((r) => r.key));
      out.push({
        ...g,
        results,
        latest,
        duplicates: g.duplicates.filter((p) => keys.has(p.a) && keys.has(p.b)),
        sources: [...new Set(results.map((r) => r.source))],
      });
    }
  }
  return { groups: out, shownResults: out.reduce((n, g) => n + g.results.length, 0), totalResults };
}
