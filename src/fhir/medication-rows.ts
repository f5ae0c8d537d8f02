/**
 * From MedicationRequest / MedicationStatement records of several sources to the rows and groups
 * a medication list shows. Pure: the caller hands in the records, the Patient copies and a
 * synchronous lookup for referenced resources it has already loaded.
 *
 * Clinical rules, in the order they apply:
 * - `entered-in-error` records are dropped: they are not clinical fact.
 * - Records of the same drug (shared RxNorm/SNOMED CT/dm+d/NDC or substance-level ATC code, or the
 *   same normalized name — `reconcileMedications`) form one cluster, whatever their source.
 *   Placeholder codes ("unknown") never join records, and differently named records are joined
 *   only by a shared RxNorm/dm+d/NDC/substance-level ATC code: two rows beat one hidden drug.
 * - A `doNotPerform` request is an instruction NOT to give the drug: it gets its own row in the
 *   "do not take" group and never counts as a prescription of the drug. When the same drug is
 *   also prescribed (by any source), both rows say so.
 * - Each source's newest record of the drug is that source's current view of it. The current
 *   views of all sources make ONE row, placed in the most current group any of them is in
 *   (active, then on hold, then unknown, then stopped/completed), so the same drug from two
 *   providers is shown once with every source. Differences between the sources' current views
 *   are flagged: dose text (compared after normalizing case and spacing; "recorded" vs "not
 *   recorded" counts as a difference) and list group (active at one, stopped at the other).
 * - A source's older records of the drug (renewals, earlier courses) are history: those in the
 *   main row's group are attached to it as earlier records; the rest make one history row per
 *   group (e.g. twelve stopped yearly simvastatin prescriptions under "Stopped"). History never
 *   raises a difference: an old prescription is not a disagreement between providers.
 * - If any linked copy of the patient says they died, active and on-hold entries are flagged
 *   `activeAfterDeath` (they stay in their group, marked, so nothing silently disappears).
 */
import type { Medication, MedicationRequest, MedicationStatement, Organization, Patient, Practitioner, Reference, Resource } from 'fhir/r4';
import { conceptText, normalizeConceptName } from './codings.js';
import { fhirDateSortKey, type ParsedFhirDate } from './dates.js';
import {
  medicationDosageSummary,
  medicationName,
  medicationStrengths,
  reconcileMedications,
  type IngredientStrength,
  type MedicationName,
  type MedicationUse,
  type SourcedItem,
} from './medications.js';
import { ingredientFirstName, type IngredientFirstName } from './medication-names.js';
import { displayName } from './names.js';
import { parseReference, resolveContained } from './references.js';
import { deceasedInfo, isEnteredInError, medicationGroup, type MedicationGroup } from './status.js';

/** The groups of the list, in the order they are shown. */
export type MedicationDisplayGroup = 'do-not-take' | 'active' | 'on-hold' | 'unknown' | 'stopped';
export const MEDICATION_DISPLAY_GROUPS: readonly MedicationDisplayGroup[] = ['do-not-take', 'active', 'on-hold', 'unknown', 'stopped'];

/** Which group is "more current" when sources disagree (lower wins). */
const PLACEMENT_ORDER: readonly MedicationDisplayGroup[] = ['active', 'on-hold', 'unknown', 'stopped'];

/** A record and the source it came from. */
export type MedicationRecord = SourcedItem<MedicationUse>;

/**
 * Finds an already-loaded resource by the store key `"<source>/<Type>/<id>"`; `undefined`
 * when it is not (or not yet) known.
 */
export type StoredLookup = (key: string) => Resource | undefined;

/** A source's id and base URL, to map absolute references to the right source. */
export interface SourceBase {
  readonly id: string;
  readonly baseUrl?: string;
}

/**
 * The store key (`"<source>/<Type>/<id>"`) a reference in a record of `source` points at:
 * relative references stay in the record's source; absolute ones go to the source with that
 * base URL, or to the record's own source when no source has it. `undefined` for contained
 * (`#id`), `urn:` and unparseable references, which the store cannot look up.
 */
export function storeKeyOf(reference: string | undefined | null, source: string, sources: readonly SourceBase[] = []): string | undefined {
  const parsed = parseReference(reference);
  if (!parsed || parsed.kind === 'contained' || parsed.kind === 'urn') return undefined;
  let home = source;
  if (parsed.kind === 'absolute') {
    const base = parsed.base!.replace(/\/+$/, '');
    home = sources.find((s) => typeof s.baseUrl === 'string' && s.baseUrl.replace(/\/+$/, '') === base)?.id ?? source;
  }
  return `${home}/${parsed.type}/${parsed.id}`;
}

/** Every store key the list needs loaded for these records: referenced Medications and prescribers. */
export function referencedKeys(records: readonly MedicationRecord[], sources: readonly SourceBase[] = []): string[] {
  const keys = new Set<string>();
  for (const r of records) {
    if (!r?.resource || typeof r.resource !== 'object') continue;
    for (const ref of [r.resource.medicationReference, whoRef(r.resource)]) {
      const key = typeof ref?.reference === 'string' ? storeKeyOf(ref.reference, r.source, sources) : undefined;
      if (key) keys.add(key);
    }
  }
  return [...keys];
}

function whoRef(resource: MedicationUse): Reference | undefined {
  return resource.resourceType === 'MedicationRequest' ? resource.requester : resource.informationSource;
}

/**
 * Who prescribed (MedicationRequest.requester) or recorded (MedicationStatement.informationSource)
 * the medication. `prescriber` for a requester who is a person prescribing (a Practitioner or
 * PractitionerRole, or a requester of unknown type); `recorded-by` for an Organization, a Patient,
 * RelatedPerson or Device as requester, and for whoever reported a MedicationStatement: they did
 * not prescribe it, so the list never calls them the prescriber.
 */
export interface PrescriberView {
  readonly text: string | null;
  readonly role: 'prescriber' | 'recorded-by';
}

/** Requester types that are a person prescribing. */
const PRESCRIBER_TYPES: ReadonlySet<string> = new Set(['Practitioner', 'PractitionerRole']);

/** Name of a Practitioner/Patient/RelatedPerson (`FAMILY, Given (Title)`) or Organization. */
function personOrOrgName(resource: Resource | undefined): string | null {
  if (!resource || typeof resource !== 'object') return null;
  if (resource.resourceType === 'Organization') {
    const n = (resource as Organization).name;
    return typeof n === 'string' && n.trim() ? n.replace(/\s+/g, ' ').trim() : null;
  }
  if ('name' in resource && Array.isArray((resource as Practitioner).name)) return displayName(resource as Practitioner);
  return null;
}

/** The type a reference points at: the resolved resource's, else `Reference.type`, else the reference string's. */
function referenceType(ref: Reference, resolved: Resource | undefined): string | undefined {
  if (resolved && typeof resolved.resourceType === 'string') return resolved.resourceType;
  if (typeof ref.type === 'string' && ref.type.trim()) return ref.type.trim().replace(/^http:\/\/hl7\.org\/fhir\/StructureDefinition\//, '');
  const parsed = parseReference(ref.reference);
  return parsed && (parsed.kind === 'relative' || parsed.kind === 'absolute') ? parsed.type : undefined;
}

/** The prescriber's name: the reference's display, else the resolved (or contained) resource's name. */
export function prescriberOf(record: MedicationRecord, lookup: StoredLookup = () => undefined, sources: readonly SourceBase[] = []): PrescriberView {
  const res = record.resource;
  const ref = whoRef(res);
  if (!ref || typeof ref !== 'object') return { text: null, role: res.resourceType === 'MedicationRequest' ? 'prescriber' : 'recorded-by' };
  const contained = resolveContained(res, ref);
  const key = !contained && typeof ref.reference === 'string' ? storeKeyOf(ref.reference, record.source, sources) : undefined;
  const resolved = contained ?? (key ? lookup(key) : undefined);
  const type = referenceType(ref, resolved);
  const role = res.resourceType === 'MedicationRequest' && (type === undefined || PRESCRIBER_TYPES.has(type)) ? 'prescriber' : 'recorded-by';
  if (typeof ref.display === 'string' && ref.display.trim()) return { text: ref.display.replace(/\s+/g, ' ').trim(), role };
  return { text: personOrOrgName(resolved), role };
}

/** The clinical date of a record and what it means. */
export interface MedicationDate {
  /** As recorded (FHIR date/dateTime); `undefined` when none. */
  readonly value?: string;
  /** `authored` (MedicationRequest.authoredOn), `effective` (MedicationStatement.effective[x]), `asserted` (dateAsserted). */
  readonly kind: 'authored' | 'effective' | 'asserted' | 'none';
}

export function medicationDate(resource: MedicationUse): MedicationDate {
  const ok = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';
  if (resource.resourceType === 'MedicationRequest') {
    return ok(resource.authoredOn) ? { value: resource.authoredOn, kind: 'authored' } : { kind: 'none' };
  }
  const s = resource as MedicationStatement;
  if (ok(s.effectiveDateTime)) return { value: s.effectiveDateTime, kind: 'effective' };
  if (ok(s.effectivePeriod?.start)) return { value: s.effectivePeriod!.start, kind: 'effective' };
  if (ok(s.dateAsserted)) return { value: s.dateAsserted, kind: 'asserted' };
  return { kind: 'none' };
}

/** One record, ready to show. */
export interface MedicationEntryView {
  readonly source: string;
  readonly resource: MedicationUse;
  /** `"<source>/<Type>/<id>"` (unique within the list). */
  readonly key: string;
  /** The record's own group (`stopped` and `completed` are both shown under "Stopped / completed"). */
  readonly group: MedicationGroup;
  readonly displayGroup: MedicationDisplayGroup;
  /** Status code as recorded. */
  readonly status?: string;
  readonly activeAfterDeath: boolean;
  readonly name: MedicationName;
  /** The medication reference could not be resolved (not contained, not in the store). */
  readonly medicationMissing: boolean;
  readonly strengths: readonly IngredientStrength[];
  /** Dose form of a referenced Medication (`Film-coated tablet`), if any. */
  readonly form: string | null;
  /** Dose, route and frequency in words (English when built from structured data), or `null`. */
  readonly dose: string | null;
  /** `true` when `dose` was built from structured fields rather than written text. */
  readonly doseBuilt: boolean;
  /**
   * `true` when a structured dose, rate or maximum dose is recorded but could not be rendered:
   * `dose` then starts with "Dose incomplete – check source record" and the list may flag it.
   */
  readonly doseIncomplete: boolean;
  readonly date: MedicationDate;
  readonly prescriber: PrescriberView;
}

/** A value as one source has it. */
export interface SourceValue<V> {
  readonly source: string;
  readonly value: V;
}

/** One line of the list: one drug in one group. */
export interface MedicationRowView {
  /** Stable key for rendering. */
  readonly id: string;
  readonly group: MedicationDisplayGroup;
  /** Name as recorded (first non-empty among the row's records), or `null`. */
  readonly name: string | null;
  /** `name` with the ingredient first (`medication-names.ts`): what the list shows and sorts by. */
  readonly shownName: IngredientFirstName | null;
  /** The newest record of the row: its dose, prescriber, date and strength are shown. */
  readonly primary: MedicationEntryView;
  /** Each source's newest record in this row (one per source): those in the row's group first, then newest first. */
  readonly current: readonly MedicationEntryView[];
  /** Older records of the same drug in this row, newest first. */
  readonly earlier: readonly MedicationEntryView[];
  /** Sources of every record in the row, in order of first appearance. */
  readonly sources: readonly string[];
  /** The sources' current doses disagree (each source's dose listed in `doses`). */
  readonly doseDiffers: boolean;
  readonly doses: ReadonlyArray<SourceValue<string | null>>;
  /** The sources' current records are in different groups (each listed in `statuses`). */
  readonly statusDiffers: boolean;
  readonly statuses: ReadonlyArray<SourceValue<{ group: MedicationGroup; status?: string }>>;
  /** For a do-not-take row: sources that prescribe the drug; for others: sources that say not to give it. */
  readonly conflictingSources: readonly string[];
  /** Some current record is active/on hold although the patient has died. */
  readonly activeAfterDeath: boolean;
  /** A history row (older records of a drug whose current row is elsewhere). */
  readonly history: boolean;
}

export interface MedicationGroupView {
  readonly group: MedicationDisplayGroup;
  readonly rows: readonly MedicationRowView[];
}

export interface MedicationListView {
  /** Non-empty groups, in display order. */
  readonly groups: readonly MedicationGroupView[];
  /** Number of rows. */
  readonly total: number;
  /** Whether any linked copy of the patient records a death, and when (if recorded). */
  readonly deceased: boolean;
  readonly deceasedDate?: ParsedFhirDate;
  /** Records dropped as entered in error (counted, never shown). */
  readonly enteredInError: number;
}

export interface BuildMedicationListOptions {
  /** Loaded referenced resources (Medication, Practitioner, …) by store key. */
  readonly lookup?: StoredLookup;
  readonly sources?: readonly SourceBase[];
  /** Every linked copy of the patient (to find a recorded death). */
  readonly patients?: readonly (Patient | undefined | null)[];
}

/** Deceased if any copy says so; the first recorded date of death wins. */
export function deceasedAcrossCopies(patients: readonly (Patient | undefined | null)[] = []): { deceased: boolean; date?: ParsedFhirDate } {
  let deceased = false;
  let date: ParsedFhirDate | undefined;
  for (const p of patients) {
    const info = deceasedInfo(p);
    if (info.deceased === true) {
      deceased = true;
      date ??= info.date;
    }
  }
  return date ? { deceased, date } : { deceased };
}

function displayGroupOf(group: MedicationGroup): MedicationDisplayGroup {
  switch (group) {
    case 'active':
    case 'on-hold':
    case 'do-not-take':
    case 'unknown':
      return group;
    case 'stopped':
    case 'completed':
      return 'stopped';
    default:
      return 'unknown';
  }
}

function keyOf(r: MedicationRecord, index: number): string {
  const id = typeof r.resource.id === 'string' && r.resource.id ? r.resource.id : `#${index}`;
  return `${r.source}/${r.resource.resourceType}/${id}`;
}

/** Newest first; undated last; stable otherwise. */
function byDateDesc(a: MedicationEntryView, b: MedicationEntryView): number {
  const ka = a.date.value ? fhirDateSortKey(a.date.value) : null;
  const kb = b.date.value ? fhirDateSortKey(b.date.value) : null;
  if (ka === kb) return 0;
  if (ka === null) return 1;
  if (kb === null) return -1;
  return kb - ka;
}

const norm = (s: string | null): string => normalizeConceptName(s ?? '');

/** Builds the medication list from every source's records. */
export function buildMedicationList(records: readonly MedicationRecord[] | undefined | null, options: BuildMedicationListOptions = {}): MedicationListView {
  const lookup = options.lookup ?? (() => undefined);
  const sources = options.sources ?? [];
  const { deceased, date: deceasedDate } = deceasedAcrossCopies(options.patients ?? []);
  const all = (Array.isArray(records) ? records : []).filter(
    (r): r is MedicationRecord =>
      !!r && !!r.resource && typeof r.resource === 'object' && (r.resource.resourceType === 'MedicationRequest' || r.resource.resourceType === 'MedicationStatement'),
  );
  const enteredInError = all.filter((r) => isEnteredInError(r.resource) || r.resource.status === 'entered-in-error').length;
  const usable = all.filter((r) => !isEnteredInError(r.resource) && r.resource.status !== 'entered-in-error');

  const resolveMedication = (reference: string, source?: string): Medication | undefined => {
    const key = storeKeyOf(reference, source ?? '', sources);
    const found = key ? lookup(key) : undefined;
    return found?.resourceType === 'Medication' ? (found as Medication) : undefined;
  };

  const entries = new Map<MedicationRecord, MedicationEntryView>();
  usable.forEach((r, index) => {
    const info = medicationGroup(r.resource, { deceased });
    const name = medicationName(r.resource, (ref) => resolveMedication(ref, r.source));
    const ref = r.resource.medicationReference;
    const medicationMissing = !!ref && !name.medication;
    const dosageTexts = r.resource.resourceType === 'MedicationStatement' ? r.resource.dosage : (r.resource as MedicationRequest).dosageInstruction;
    const written = Array.isArray(dosageTexts) && dosageTexts.some((d) => typeof d?.text === 'string' && d.text.trim());
    const { text: dose, incomplete: doseIncomplete } = medicationDosageSummary(r.resource);
    entries.set(r, {
      source: r.source,
      resource: r.resource,
      key: keyOf(r, index),
      group: info.group,
      displayGroup: displayGroupOf(info.group),
      ...(info.status ? { status: info.status } : {}),
      activeAfterDeath: info.activeAfterDeath,
      name,
      medicationMissing,
      strengths: name.medication ? medicationStrengths(name.medication) : [],
      form: name.medication ? conceptText(name.medication.form) : null,
      dose,
      doseBuilt: dose !== null && !written,
      doseIncomplete,
      date: medicationDate(r.resource),
      prescriber: prescriberOf(r, lookup, sources),
    });
  });

  const clusters = reconcileMedications(usable, { resolve: resolveMedication });
  const rows: MedicationRowView[] = [];

  for (const cluster of clusters) {
    const clusterEntries = cluster.items.map((i) => entries.get(i as MedicationRecord)!).filter(Boolean);
    const dnp = clusterEntries.filter((e) => e.group === 'do-not-take');
    const given = clusterEntries.filter((e) => e.group !== 'do-not-take');
    const givenSources = [...new Set(given.map((e) => e.source))];
    const dnpSources = [...new Set(dnp.map((e) => e.source))];
    if (dnp.length) rows.push(...rowsFor(dnp, 'do-not-take', givenSources));
    if (given.length) rows.push(...rowsFor(given, undefined, dnpSources));
  }

  const groups = MEDICATION_DISPLAY_GROUPS.map((group) => ({ group, rows: rows.filter((r) => r.group === group).sort(rowOrder(group)) })).filter(
    (g) => g.rows.length > 0,
  );
  return { groups, total: rows.length, deceased, ...(deceasedDate ? { deceasedDate } : {}), enteredInError };
}

/** One collator for every comparison (fixed language: the order must not depend on the machine's locale). */
const NAME_ORDER = new Intl.Collator('en', { sensitivity: 'base', numeric: true });

/**
 * Alphabetical by ingredient (the shown name, with a leading pack size or release period moved
 * after it) in current groups; newest first under "Stopped / completed" (it is history).
 */
function rowOrder(group: MedicationDisplayGroup): (a: MedicationRowView, b: MedicationRowView) => number {
  const byName = (a: MedicationRowView, b: MedicationRowView) =>
    NAME_ORDER.compare(a.shownName?.sortKey ?? '\uffff', b.shownName?.sortKey ?? '\uffff') ||
    NAME_ORDER.compare(a.name ?? '\uffff', b.name ?? '\uffff');
  if (group === 'stopped') return (a, b) => byDateDesc(a.primary, b.primary) || byName(a, b);
  return (a, b) => byName(a, b) || byDateDesc(a.primary, b.primary);
}

/**
 * Rows for the records of one drug. `forced` puts everything in one group (do-not-take);
 * otherwise each source's newest record decides the main row's group (see the module comment).
 */
function rowsFor(list: MedicationEntryView[], forced: MedicationDisplayGroup | undefined, conflictingSources: string[]): MedicationRowView[] {
  const sorted = [...list].sort(byDateDesc);
  const latestBySource = new Map<string, MedicationEntryView>();
  for (const e of sorted) if (!latestBySource.has(e.source)) latestBySource.set(e.source, e);
  const current = [...latestBySource.values()];
  const mainGroup =
    forced ?? PLACEMENT_ORDER.find((g) => current.some((e) => e.displayGroup === g)) ?? current[0]!.displayGroup;
  // The record that placed the row in its group leads (its dose, date and prescriber are shown);
  // other sources' current records follow, newest first.
  current.sort((a, b) => Number(b.displayGroup === mainGroup) - Number(a.displayGroup === mainGroup));
  const currentSet = new Set(current);
  const earlierMain = sorted.filter((e) => !currentSet.has(e) && (forced !== undefined || e.displayGroup === mainGroup));
  const out: MedicationRowView[] = [makeRow(mainGroup, current, earlierMain, conflictingSources, false)];
  if (!forced) {
    const rest = sorted.filter((e) => !currentSet.has(e) && e.displayGroup !== mainGroup);
    for (const g of PLACEMENT_ORDER) {
      const inGroup = rest.filter((e) => e.displayGroup === g);
      if (!inGroup.length) continue;
      out.push(makeRow(g, [inGroup[0]!], inGroup.slice(1), [], true));
    }
  }
  return out;
}

function makeRow(
  group: MedicationDisplayGroup,
  current: MedicationEntryView[],
  earlier: MedicationEntryView[],
  conflictingSources: string[],
  history: boolean,
): MedicationRowView {
  const primary = current[0]!;
  const everything = [...current, ...earlier];
  const doses = current.map((e) => ({ source: e.source, value: e.dose }));
  const statuses = current.map((e) => ({ source: e.source, value: { group: e.group, ...(e.status ? { status: e.status } : {}) } }));
  const name = everything.map((e) => e.name.text).find((t) => t) ?? null;
  return {
    id: `${group}:${primary.key}`,
    group,
    name,
    shownName: name === null ? null : ingredientFirstName(name),
    primary,
    current,
    earlier,
    sources: [...new Set(everything.map((e) => e.source))],
    doseDiffers: new Set(doses.map((d) => norm(d.value))).size > 1,
    doses,
    statusDiffers: new Set(current.map((e) => e.displayGroup)).size > 1,
    statuses,
    conflictingSources,
    activeAfterDeath: current.some((e) => e.activeAfterDeath),
    history,
  };
}
