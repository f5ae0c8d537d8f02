/**
 * Turns a patient's AllergyIntolerance records from several sources into what an allergy panel
 * shows: one row per substance (duplicates from several providers, or copies within one, merged
 * with all their sources), sorted, split into "current" and "no longer current", with the
 * records that must never be shown as allergies (refuted, entered in error) counted but left out.
 *
 * Pure: no DOM, no store, no localization. The element formats what this returns.
 */
import type { Age, AllergyIntolerance, AllergyIntoleranceReaction, CodeableConcept, Period } from 'fhir/r4';
import { conceptText, SYSTEMS } from './codings.js';
import { fhirDateSortKey } from './dates.js';
import { groupDuplicateAllergies, type SourcedItem } from './medications.js';
import {
  allergyClinicalStatus,
  allergyState,
  allergyVerification,
  criticalityKey,
  isEnteredInError,
  isNoKnownAllergy,
  noKnownAllergyKind,
  type AllergyClinicalKey,
  type CriticalityKey,
  type NoKnownAllergyKind,
  type VerificationKey,
} from './status.js';
import { emptyRecord } from './lookup.js';

/**
 * One stored allergy record: a `StoredRow` has this shape (extra fields are ignored). The
 * server's `meta.lastUpdated` is deliberately not read: it changes on any server-side rewrite
 * (a migration, a re-index) and clinicians read it as a clinical edit. The view carries the
 * clinical dates (recorded, onset); sync freshness is the source's "as of".
 */
export type AllergyRecord = SourcedItem<AllergyIntolerance>;

/** Criticality as displayed: `unable-to-assess` and missing both read "Not known". */
export type DisplayCriticality = 'high' | 'low' | 'not-known';

/** Verification as displayed on a row (refuted and entered-in-error never reach a row). */
export type DisplayVerification = 'confirmed' | 'unconfirmed' | 'not-known';

/** When the allergy began, as recorded (`onset[x]`). The element formats it. */
export type AllergyOnset =
  | { readonly kind: 'date'; readonly value: string }
  | { readonly kind: 'age'; readonly value: Age }
  | { readonly kind: 'period'; readonly value: Period }
  | { readonly kind: 'text'; readonly value: string };

/** One reaction, merged across identical copies. */
export interface AllergyReactionView {
  /** Manifestations as words (empty when none could be read). */
  readonly manifestations: readonly string[];
  readonly severity?: 'mild' | 'moderate' | 'severe';
  /** `reaction.onset` as recorded (FHIR dateTime). */
  readonly onset?: string;
  /** The specific substance of this reaction, when recorded. */
  readonly substance?: string;
  readonly description?: string;
  readonly exposureRoute?: string;
  /** Sources that recorded this reaction. */
  readonly sources: readonly string[];
}

/** A per-source value of a field the sources disagree on. */
export interface ValueWithSources<V> {
  readonly value: V;
  readonly sources: readonly string[];
}

/** What the sources of one merged row disagree on. */
export interface AllergyDifferences {
  readonly criticality?: ReadonlyArray<ValueWithSources<DisplayCriticality>>;
  readonly verification?: ReadonlyArray<ValueWithSources<DisplayVerification>>;
  readonly clinicalStatus?: ReadonlyArray<ValueWithSources<AllergyClinicalKey>>;
  /** Sources whose copy of this allergy says it is refuted (the row shows because others do not). */
  readonly refutedAt?: readonly string[];
}

/** One row of the panel: one substance, all its records. */
export interface AllergyRowView {
  /** Stable key (`source/id` of the first record). */
  readonly key: string;
  /** Substance words; `null` when nothing names it (the element says "Not known"). */
  readonly substance: string | null;
  /** Records behind the row (refuted copies excluded), in input order. */
  readonly items: ReadonlyArray<AllergyRecord>;
  /** Distinct sources of `items`, in order of first appearance. */
  readonly sources: readonly string[];
  /** How many records each source holds for this row. */
  readonly recordsPerSource: Readonly<Record<string, number>>;
  /** Current (active or unconfirmed) vs. no longer current (inactive/resolved at every source). */
  readonly group: 'current' | 'past';
  /** The most cautious criticality across sources (see {@link mergedCriticality}). */
  readonly criticality: DisplayCriticality;
  /** Confirmed at any source wins; else not known; else unconfirmed. */
  readonly verification: DisplayVerification;
  /** Active at any source wins; else the first recorded status. */
  readonly clinicalStatus: AllergyClinicalKey;
  /** `food`, `medication`, `environment`, `biologic` (distinct, as recorded). */
  readonly categories: readonly string[];
  /** `allergy` / `intolerance` (distinct; empty when not recorded). */
  readonly types: readonly string[];
  readonly onset?: AllergyOnset;
  /** Earliest `recordedDate` across records. */
  readonly recordedDate?: string;
  readonly reactions: readonly AllergyReactionView[];
  readonly differences: AllergyDifferences;
  /** True when any of `differences` is set. */
  readonly differs: boolean;
}

/** A coded "no known …" statement, merged across sources. */
export interface NoKnownStatementView {
  readonly key: string;
  readonly kind: NoKnownAllergyKind;
  readonly items: ReadonlyArray<AllergyRecord>;
  readonly sources: readonly string[];
  /** Earliest `recordedDate` across records. */
  readonly recordedDate?: string;
  /** True when an allergy in force contradicts this statement (see {@link contradicts}). */
  readonly contradicted: boolean;
  /**
   * No source confirms the statement: every record of it is `unconfirmed` or `presumed`. The
   * panel and the banner label it "Unconfirmed" (a negative nobody confirmed is not a fact).
   */
  readonly unconfirmed: boolean;
}

/**
 * A record left out of the allergy lists because it was marked refuted or entered in error,
 * named only so a clinician can see what was withdrawn and by whom — never an allergy. Identical
 * copies (same substance, source and mark) are one entry with a count.
 */
export interface HiddenAllergyEntry {
  /** Stable key (`source/id` of the first copy). */
  readonly key: string;
  /** Substance words; `null` when nothing names it. */
  readonly substance: string | null;
  readonly source: string;
  readonly reason: 'refuted' | 'entered-in-error';
  /** How many copies this entry stands for (at least 1). */
  readonly count: number;
  /** Earliest `recordedDate` of the copies. */
  readonly recordedDate?: string;
}

/** Everything the panel shows. */
export interface AllergyPanelView {
  /** Allergies in force (active, or unconfirmed — marked), by substance name (see {@link allergyRowOrder}). */
  readonly current: readonly AllergyRowView[];
  /** Inactive / resolved allergies, by substance name. */
  readonly past: readonly AllergyRowView[];
  /** Facts every row of each list shares, said once (see {@link sharedAllergyFacts}). */
  readonly shared: { readonly current: SharedAllergyFacts; readonly past: SharedAllergyFacts };
  /** Coded "no known …" statements in force. */
  readonly noKnown: readonly NoKnownStatementView[];
  /** Records hidden because they are refuted (every copy of the substance refuted). */
  readonly hiddenRefuted: number;
  /** Records hidden because they were entered in error. */
  readonly hiddenEnteredInError: number;
  /**
   * The hidden records (`hiddenRefuted` + `hiddenEnteredInError`), merged per substance, source
   * and mark, by substance name. For a disclosure that names them, never for an allergy list.
   */
  readonly hidden: readonly HiddenAllergyEntry[];
  /** Total records read (after dropping non-AllergyIntolerance input). */
  readonly total: number;
}

const CRITICALITY_RANK: Readonly<Record<CriticalityKey, number>> = { high: 3, 'unable-to-assess': 2, low: 1, 'not-known': 0 };

/**
 * The most cautious criticality across records: high, else "unable to assess", else low, else not
 * recorded. "Unable to assess" beats "low" because one provider saying it cannot judge the risk
 * must not be hidden behind another's "low". `unable-to-assess` and missing both display as
 * "Not known".
 */
export function mergedCriticality(list: readonly AllergyIntolerance[]): DisplayCriticality {
  let best: CriticalityKey = 'not-known';
  for (const a of list) {
    const k = criticalityKey(a);
    if (CRITICALITY_RANK[k] > CRITICALITY_RANK[best]) best = k;
  }
  return displayCriticality(best);
}

function displayCriticality(k: CriticalityKey): DisplayCriticality {
  return k === 'high' || k === 'low' ? k : 'not-known';
}

function displayVerification(v: VerificationKey): DisplayVerification {
  if (v === 'confirmed') return 'confirmed';
  if (v === 'unconfirmed' || v === 'presumed') return 'unconfirmed';
  return 'not-known';
}

/** Confirmed by any source wins (treat as real); else not known; else unconfirmed. */
function mergedVerification(list: readonly AllergyIntolerance[]): DisplayVerification {
  const values = list.map((a) => displayVerification(allergyVerification(a)));
  if (values.includes('confirmed')) return 'confirmed';
  if (values.includes('not-known')) return 'not-known';
  return 'unconfirmed';
}

function text(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const t = value.replace(/\s+/g, ' ').trim();
  return t || undefined;
}

function onsetOf(a: AllergyIntolerance): AllergyOnset | undefined {
  const dt = text(a.onsetDateTime);
  if (dt) return { kind: 'date', value: dt };
  if (a.onsetAge && typeof a.onsetAge === 'object' && a.onsetAge.value !== undefined) return { kind: 'age', value: a.onsetAge };
  if (a.onsetPeriod && typeof a.onsetPeriod === 'object' && (text(a.onsetPeriod.start) || text(a.onsetPeriod.end))) {
    return { kind: 'period', value: a.onsetPeriod };
  }
  const s = text(a.onsetString);
  if (s) return { kind: 'text', value: s };
  return undefined;
}

function pickDate(values: Array<string | undefined>, which: 'earliest' | 'latest'): string | undefined {
  let best: { v: string; k: number } | undefined;
  for (const v of values) {
    if (!v) continue;
    const k = fhirDateSortKey(v);
    if (k === null) continue;
    if (!best || (which === 'earliest' ? k < best.k : k > best.k)) best = { v, k };
  }
  return best?.v;
}

const SUBSTANCE_SYSTEMS = [SYSTEMS.SNOMED_CT, SYSTEMS.RXNORM];

/** Substance words of an allergy: its code, else the first reaction substance. */
export function allergySubstance(a: AllergyIntolerance): string | null {
  const fromCode = conceptText(a.code, { preferredSystems: SUBSTANCE_SYSTEMS });
  if (fromCode) return fromCode;
  for (const r of Array.isArray(a.reaction) ? a.reaction : []) {
    const s = conceptText(r?.substance, { preferredSystems: SUBSTANCE_SYSTEMS });
    if (s) return s;
  }
  return null;
}

const SEVERITIES = new Set(['mild', 'moderate', 'severe']);

function reactionsOf(items: ReadonlyArray<AllergyRecord>): AllergyReactionView[] {
  const byKey = new Map<string, { view: Omit<AllergyReactionView, 'sources'>; sources: string[] }>();
  for (const item of items) {
    for (const r of Array.isArray(item.resource.reaction) ? item.resource.reaction : []) {
      if (!r || typeof r !== 'object') continue;
      const view = reactionView(r);
      const key = JSON.stringify(view);
      const existing = byKey.get(key);
      if (existing) {
        if (!existing.sources.includes(item.source)) existing.sources.push(item.source);
      } else byKey.set(key, { view, sources: [item.source] });
    }
  }
  return [...byKey.values()].map(({ view, sources }) => ({ ...view, sources }));
}

function reactionView(r: AllergyIntoleranceReaction): Omit<AllergyReactionView, 'sources'> {
  const manifestations = (Array.isArray(r.manifestation) ? r.manifestation : [])
    .map((m: CodeableConcept) => conceptText(m, { preferredSystems: [SYSTEMS.SNOMED_CT] }))
    .filter((m): m is string => !!m);
  const severity = typeof r.severity === 'string' && SEVERITIES.has(r.severity) ? r.severity : undefined;
  const onset = text(r.onset);
  const substance = conceptText(r.substance, { preferredSystems: SUBSTANCE_SYSTEMS }) ?? undefined;
  const description = text(r.description);
  const exposureRoute = conceptText(r.exposureRoute) ?? undefined;
  return {
    manifestations,
    ...(severity ? { severity } : {}),
    ...(onset ? { onset } : {}),
    ...(substance ? { substance } : {}),
    ...(description ? { description } : {}),
    ...(exposureRoute ? { exposureRoute } : {}),
  };
}

/** Per-value source lists, or `undefined` when every record agrees. */
function disagreement<V extends string>(items: ReadonlyArray<AllergyRecord>, f: (a: AllergyIntolerance) => V): Array<ValueWithSources<V>> | undefined {
  const map = new Map<V, string[]>();
  for (const i of items) {
    const v = f(i.resource);
    const list = map.get(v) ?? [];
    if (!list.includes(i.source)) list.push(i.source);
    map.set(v, list);
  }
  if (map.size < 2) return undefined;
  return [...map.entries()].map(([value, sources]) => ({ value, sources }));
}

/**
 * Leading words that say "this is an allergy" rather than naming the substance ("Allergy to
 * peanuts", SNOMED CT's usual wording). Sorting skips them so that "Allergy to bee venom" sits
 * with "Bee sting", not with every other "Allergy to …". The display keeps every word.
 */
const SORT_PREFIX = /^\s*allergy\s+to\s+/i;

/**
 * Sorting looks at this many leading code units of a name at most. No real substance name comes
 * near it; a hostile one (400,000 combining marks) would otherwise make every comparison
 * reorder the marks first, which is quadratic in the collator.
 */
const SORT_KEY_LENGTH = 256;

/** The words an allergy sorts by: its substance without a leading "Allergy to" (first 256 code units). */
export function allergySortName(substance: string | null): string {
  if (!substance) return '';
  const head = substance.slice(0, SORT_KEY_LENGTH + 32);
  const rest = head.replace(SORT_PREFIX, '');
  return (rest || head).slice(0, SORT_KEY_LENGTH);
}

/** One collator per locale (creating one per comparison dominates sorting 10,000 rows). */
const COLLATORS = new Map<string, Intl.Collator>();

function collator(locale: string | undefined): Intl.Collator {
  const key = locale ?? 'en';
  let c = COLLATORS.get(key);
  if (!c) {
    try {
      c = new Intl.Collator(key, { sensitivity: 'base', numeric: true });
    } catch {
      // A malformed language tag from the page: fall back rather than fail the panel.
      c = new Intl.Collator('en', { sensitivity: 'base', numeric: true });
    }
    COLLATORS.set(key, c);
  }
  return c;
}

/**
 * The order of both lists: by substance name without a leading "Allergy to", case- and
 * accent-insensitive and locale-aware (`Intl.Collator` of `locale`, default English); unnamed
 * rows last; ties by key, so the order is stable. Criticality does not reorder the list: a
 * clinician scans it for a substance, and high or unknown criticality is marked on its row.
 */
export function allergyRowOrder(locale?: string): (a: AllergyRowView, b: AllergyRowView) => number {
  const names = collator(locale);
  return (a, b) => {
    if (!a.substance !== !b.substance) return a.substance ? -1 : 1;
    return names.compare(allergySortName(a.substance), allergySortName(b.substance)) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
  };
}

/**
 * Facts every row of a list shares, said once above the list instead of in every row. Only set
 * for lists of two or more rows; a field is absent when the rows differ on it (then each row
 * says its own value).
 */
export interface SharedAllergyFacts {
  /** Every row has this clinical status. */
  readonly clinicalStatus?: AllergyClinicalKey;
  /** No row has a reaction recorded. */
  readonly noReactions?: true;
  /** No row has a verification status recorded. */
  readonly verificationNotRecorded?: true;
  /** Every row has exactly these categories (non-empty, as recorded, sorted). */
  readonly categories?: readonly string[];
  /** Every row has exactly these types (non-empty, sorted). */
  readonly types?: readonly string[];
}

function sameList(lists: ReadonlyArray<readonly string[]>): readonly string[] | undefined {
  const first = [...(lists[0] ?? [])].sort();
  if (!first.length) return undefined;
  const key = first.join('\u0000');
  return lists.every((l) => [...l].sort().join('\u0000') === key) ? first : undefined;
}

/** What every row of `rows` shares (see {@link SharedAllergyFacts}); empty for fewer than two rows. */
export function sharedAllergyFacts(rows: readonly AllergyRowView[]): SharedAllergyFacts {
  if (rows.length < 2) return {};
  const status = rows[0]!.clinicalStatus;
  const categories = sameList(rows.map((r) => r.categories));
  const types = sameList(rows.map((r) => r.types));
  return {
    ...(rows.every((r) => r.clinicalStatus === status) ? { clinicalStatus: status } : {}),
    ...(rows.every((r) => !r.reactions.length) ? { noReactions: true as const } : {}),
    ...(rows.every((r) => r.verification === 'not-known') ? { verificationNotRecorded: true as const } : {}),
    ...(categories ? { categories } : {}),
    ...(types ? { types } : {}),
  };
}

/** Categories a "no known …" statement covers; `null` covers every category. */
const STATEMENT_CATEGORIES: Readonly<Record<NoKnownAllergyKind, readonly string[] | null>> = {
  'no-known-allergies': null,
  'no-allergy-information': [],
  'no-known-drug-allergies': ['medication'],
  'no-known-food-allergies': ['food'],
  'no-known-environmental-allergies': ['environment'],
  'no-known-latex-allergies': ['environment'],
  'no-known-insect-allergies': ['environment', 'biologic'],
  'no-known-animal-allergies': ['environment', 'biologic'],
};

/**
 * Whether an allergy in force contradicts a "no known …" statement: a general statement is
 * contradicted by any allergy; a narrower one (drug, food, …) by an allergy of a matching
 * category, or by one with no category recorded (it cannot be ruled out).
 */
export function contradicts(kind: NoKnownAllergyKind, row: Pick<AllergyRowView, 'categories'>): boolean {
  const covered = STATEMENT_CATEGORIES[kind];
  if (covered === null) return true;
  if (!covered.length) return false;
  if (!row.categories.length) return true;
  return row.categories.some((c) => covered.includes(c));
}

function buildRow(items: AllergyRecord[], refutedAt: string[]): AllergyRowView {
  const resources = items.map((i) => i.resource);
  const sources = [...new Set(items.map((i) => i.source))];
  const recordsPerSource = emptyRecord<number>();
  for (const i of items) recordsPerSource[i.source] = (recordsPerSource[i.source] ?? 0) + 1;
  const states = resources.map(allergyState);
  const current = states.some((s) => s === 'active' || s === 'unconfirmed');
  const clinical = resources.map(allergyClinicalStatus);
  const clinicalStatus: AllergyClinicalKey = clinical.includes('active') ? 'active' : clinical.find((c) => c !== 'not-known') ?? 'not-known';
  const differences: AllergyDifferences = {
    ...optional('criticality', disagreement(items, (a) => displayCriticality(criticalityKey(a)))),
    ...optional('verification', disagreement(items, (a) => displayVerification(allergyVerification(a)))),
    ...optional('clinicalStatus', disagreement(items, allergyClinicalStatus)),
    ...(refutedAt.length ? { refutedAt } : {}),
  };
  const first = items[0]!;
  const onset = resources.map(onsetOf).find((o) => o !== undefined);
  const recordedDate = pickDate(resources.map((a) => text(a.recordedDate)), 'earliest');
  return {
    key: `${first.source}/${first.resource.id ?? ''}`,
    substance: resources.map(allergySubstance).find((s) => s) ?? null,
    items,
    sources,
    recordsPerSource,
    group: current ? 'current' : 'past',
    criticality: mergedCriticality(resources),
    verification: mergedVerification(resources),
    clinicalStatus,
    categories: [...new Set(resources.flatMap((a) => (Array.isArray(a.category) ? a.category.filter((c) => typeof c === 'string') : [])))],
    types: [...new Set(resources.map((a) => a.type).filter((t): t is 'allergy' | 'intolerance' => t === 'allergy' || t === 'intolerance'))],
    ...(onset ? { onset } : {}),
    ...(recordedDate ? { recordedDate } : {}),
    reactions: reactionsOf(items),
    differences,
    differs: Object.keys(differences).length > 0,
  };
}

function hiddenEntries(records: ReadonlyArray<{ record: AllergyRecord; reason: HiddenAllergyEntry['reason'] }>, locale: string | undefined): HiddenAllergyEntry[] {
  const byKey = new Map<string, { first: AllergyRecord; substance: string | null; reason: HiddenAllergyEntry['reason']; count: number; dates: Array<string | undefined> }>();
  for (const { record, reason } of records) {
    const substance = allergySubstance(record.resource);
    const key = `${reason}\u0000${record.source}\u0000${allergySortName(substance).toLowerCase()}`;
    const entry = byKey.get(key);
    if (entry) {
      entry.count++;
      entry.dates.push(text(record.resource.recordedDate));
    } else byKey.set(key, { first: record, substance, reason, count: 1, dates: [text(record.resource.recordedDate)] });
  }
  const names = collator(locale);
  return [...byKey.values()]
    .map(({ first, substance, reason, count, dates }) => {
      const recordedDate = pickDate(dates, 'earliest');
      return {
        key: `${first.source}/${first.resource.id ?? ''}`,
        substance,
        source: first.source,
        reason,
        count,
        ...(recordedDate ? { recordedDate } : {}),
      };
    })
    .sort((a, b) => {
      if (!a.substance !== !b.substance) return a.substance ? -1 : 1;
      return names.compare(allergySortName(a.substance), allergySortName(b.substance)) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
    });
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** Options of {@link buildAllergyPanel}. */
export interface AllergyPanelOptions {
  /** Language tag for the name order (the page's language); default English. */
  readonly locale?: string;
}

/**
 * Builds the panel view from stored rows (`{ source, resource }`), any mix of sources and copies.
 *
 * - Entered-in-error records are dropped and counted (`hiddenEnteredInError`).
 * - Records naming the same substance (a shared coding or the same normalized words) merge into
 *   one row listing every source. A refuted copy never makes a row: a substance whose every copy
 *   is refuted is hidden and counted (`hiddenRefuted`); when another source still records it, the
 *   row shows from that source and says where it was refuted (`differences.refutedAt`).
 * - A row is current when any of its records is active or unconfirmed (an allergy in force at one
 *   provider stays in force); only when every record is inactive/resolved does it go to `past`.
 * - Coded "no known …" statements in force become `noKnown` (merged by kind), flagged when an
 *   allergy in force contradicts them; resolved/inactive ones are dropped.
 */
export function buildAllergyPanel(records: ReadonlyArray<AllergyRecord> | undefined | null, options: AllergyPanelOptions = {}): AllergyPanelView {
  const all = (Array.isArray(records) ? records : []).filter(
    (r): r is AllergyRecord => !!r && !!r.resource && typeof r.resource === 'object' && r.resource.resourceType === 'AllergyIntolerance',
  );
  let hiddenEnteredInError = 0;
  let hiddenRefuted = 0;
  const hiddenRecords: Array<{ record: AllergyRecord; reason: HiddenAllergyEntry['reason'] }> = [];
  const allergies: AllergyRecord[] = [];
  const statements: AllergyRecord[] = [];
  for (const r of all) {
    if (isEnteredInError(r.resource)) {
      hiddenEnteredInError++;
      hiddenRecords.push({ record: r, reason: 'entered-in-error' });
    }
    else if (noKnownAllergyKind(r.resource) !== null) statements.push(r);
    else allergies.push(r);
  }

  const rows: AllergyRowView[] = [];
  for (const group of groupDuplicateAllergies(allergies)) {
    const items = group.items as AllergyRecord[];
    const kept = items.filter((i) => allergyVerification(i.resource) !== 'refuted');
    const refuted = items.filter((i) => allergyVerification(i.resource) === 'refuted');
    if (!kept.length) {
      hiddenRefuted += refuted.length;
      for (const record of refuted) hiddenRecords.push({ record, reason: 'refuted' });
      continue;
    }
    rows.push(buildRow(kept, [...new Set(refuted.map((i) => i.source))]));
  }
  const order = allergyRowOrder(options.locale);
  const current = rows.filter((r) => r.group === 'current').sort(order);
  const past = rows.filter((r) => r.group === 'past').sort(order);

  const byKind = new Map<NoKnownAllergyKind, AllergyRecord[]>();
  for (const s of statements) {
    const state = allergyState(s.resource);
    if (state === 'refuted') {
      hiddenRefuted++;
      hiddenRecords.push({ record: s, reason: 'refuted' });
      continue;
    }
    if ((state !== 'active' && state !== 'unconfirmed') || !isNoKnownAllergy(s.resource)) continue;
    const kind = noKnownAllergyKind(s.resource)!;
    const list = byKind.get(kind);
    if (list) list.push(s);
    else byKind.set(kind, [s]);
  }
  const noKnown: NoKnownStatementView[] = [...byKind.entries()].map(([kind, items]) => {
    const recordedDate = pickDate(items.map((i) => text(i.resource.recordedDate)), 'earliest');
    return {
      key: `${items[0]!.source}/${items[0]!.resource.id ?? ''}`,
      kind,
      items,
      sources: [...new Set(items.map((i) => i.source))],
      ...(recordedDate ? { recordedDate } : {}),
      contradicted: current.some((row) => contradicts(kind, row)),
      unconfirmed: items.every((i) => allergyState(i.resource) === 'unconfirmed'),
    };
  });

  return {
    current,
    past,
    shared: { current: sharedAllergyFacts(current), past: sharedAllergyFacts(past) },
    noKnown,
    hiddenRefuted,
    hiddenEnteredInError,
    hidden: hiddenEntries(hiddenRecords, options.locale),
    total: all.length,
  };
}
