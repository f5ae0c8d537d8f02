/**
 * The demo list's people: each provider's Patient records joined into one row per person, by the
 * store's own linking rule (a shared identifier of a linking system AND agreement on family
 * name, full birth date and gender — see `src/fhir/patient-match.ts`), so the list never shows
 * two people as one that the record would keep apart. Pure: tested in Node.
 */
import type { Identifier, Patient } from 'fhir/r4';
import { compareIdentity, corroborates, identityFacts } from '../../src/fhir/patient-match.js';
import { deceasedAcross } from '../../src/fhir/patient-identity.js';
import { describeIdentifier, selectMainIdentifier } from '../../src/fhir/identifiers.js';
import { displayName } from '../../src/fhir/names.js';
import type { DemoBase } from './config.js';

/** One provider's record of a patient. */
export interface PatientRow {
  base: DemoBase;
  patient: Patient;
}

/** One person: their records, one or more per provider, in the order of the bases. */
export interface Person {
  /** `"<base>/<id>"` of the first record: stable, unique. */
  key: string;
  /** The record the row opens (the first base's). */
  main: PatientRow;
  records: PatientRow[];
  /** `FAMILY, Given (Title)`, or `''` when no record has a name. */
  name: string;
  deceased: boolean;
  /** The main identifier of the main record, with the record it came from. */
  identifier?: { identifier: Identifier; value: string; row: PatientRow };
  /** Lowercased names and identifier values of every record, separators removed, for search. */
  searchText: string[];
}

const linkKeys = (p: Patient, systems: ReadonlySet<string>): string[] =>
  (Array.isArray(p.identifier) ? p.identifier : [])
    .filter((i) => i && typeof i.system === 'string' && systems.has(i.system) && typeof i.value === 'string' && i.value.trim() !== '')
    .map((i) => `${i.system}|${i.value!.trim()}`);

/** Lowercase, separators and spaces removed: "999-69-1123" and "999 69 1123" both read "999691123". */
export function searchForm(text: string): string {
  return text.toLowerCase().replace(/[\s\-./,()]+/g, '');
}

/**
 * Joins the rows into people. Two records join when they share a linking identifier and every
 * identity fact agrees (the rule that links records without a person in the store); records that
 * share an identifier but disagree stay separate rows. Order: by name, then by the first base.
 */
export function groupPeople(rows: readonly PatientRow[], linkSystems: readonly string[], bases: readonly DemoBase[]): Person[] {
  const systems = new Set(linkSystems);
  const parent = rows.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  const facts = rows.map((r) => identityFacts(r.patient));
  const byKey = new Map<string, number[]>();
  rows.forEach((r, i) => {
    for (const k of linkKeys(r.patient, systems)) {
      const holders = byKey.get(k) ?? [];
      for (const j of holders) if (corroborates(compareIdentity(facts[i]!, facts[j]!))) parent[find(i)] = find(j);
      holders.push(i);
      byKey.set(k, holders);
    }
  });
  const groups = new Map<number, PatientRow[]>();
  rows.forEach((r, i) => {
    const root = find(i);
    groups.set(root, [...(groups.get(root) ?? []), r]);
  });
  const order = (r: PatientRow) => {
    const i = bases.findIndex((b) => b.id === r.base.id);
    return i < 0 ? bases.length : i;
  };
  const people = [...groups.values()].map((records) => person([...records].sort((a, b) => order(a) - order(b))));
  return people.sort((a, b) => a.name.localeCompare(b.name) || order(a.main) - order(b.main) || a.key.localeCompare(b.key));
}

function person(records: PatientRow[]): Person {
  const main = records[0]!;
  const name = displayName(main.patient) ?? records.map((r) => displayName(r.patient)).find(Boolean) ?? '';
  const deceased = !!deceasedAcross(records.map((r) => ({ source: r.base.id, patient: r.patient })));
  let identifier: Person['identifier'];
  for (const row of records) {
    const chosen = selectMainIdentifier(row.patient.identifier);
    const shown = describeIdentifier(chosen);
    if (chosen && shown) {
      identifier = { identifier: chosen, value: shown.value, row };
      break;
    }
  }
  const searchText = new Set<string>();
  for (const r of records) {
    const n = displayName(r.patient);
    if (n) searchText.add(searchForm(n));
    for (const nm of Array.isArray(r.patient.name) ? r.patient.name : []) {
      for (const part of [nm?.family, ...(Array.isArray(nm?.given) ? nm!.given : []), nm?.text]) if (typeof part === 'string' && part) searchText.add(searchForm(part));
    }
    for (const i of Array.isArray(r.patient.identifier) ? r.patient.identifier : []) if (typeof i?.value === 'string' && i.value) searchText.add(searchForm(i.value));
  }
  return { key: `${main.base.id}/${main.patient.id}`, main, records, name, deceased, ...(identifier ? { identifier } : {}), searchText: [...searchText] };
}

/**
 * The people a search shows: every word of the query (name parts or an identifier, in any
 * order, case and separators ignored) must be found in the person's names or identifiers.
 */
export function searchPeople(people: readonly Person[], query: string): Person[] {
  const words = query.split(/\s+/).map(searchForm).filter(Boolean);
  if (!words.length) return [...people];
  return people.filter((p) => words.every((w) => p.searchText.some((t) => t.includes(w))));
}
