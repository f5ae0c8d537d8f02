/**
 * Grouping is linear in the number of rows: 10,000 copies of one drug or allergy, or 10,000
 * differently named records sharing one code, are grouped (and counted) correctly. No time is
 * asserted; the old pairwise merge took seconds to minutes here and ran into the test timeout.
 */
import { describe, expect, it } from 'vitest';
import type { AllergyIntolerance, MedicationRequest } from 'fhir/r4';
import { buildMedicationList, type MedicationRecord } from '../src/fhir/medication-rows.js';
import { reconcileMedications } from '../src/fhir/medications.js';
import { buildAllergyPanel, type AllergyRecord } from '../src/fhir/allergy-rows.js';
import { compatible, groupByKeys, type MatchInfo } from '../src/fhir/match-groups.js';

const N = 10_000;
const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
const SCT = 'http://snomed.info/sct';

function request(id: string, concept: MedicationRequest['medicationCodeableConcept'], authoredOn = '2024-01-01'): MedicationRequest {
  return { resourceType: 'MedicationRequest', id, status: 'active', intent: 'order', subject: { reference: 'Patient/p' }, medicationCodeableConcept: concept, authoredOn };
}
const day = (i: number) => `20${String(10 + (i % 15)).padStart(2, '0')}-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`;

describe('medication grouping at 10,000 rows', () => {
  it('10,000 copies of one drug from two providers: one row, both sources, every record kept', () => {
    const records: MedicationRecord[] = Array.from({ length: N }, (_, i) => ({
      source: i % 2 ? 'hospital' : 'clinic',
      resource: request(`w${i}`, { coding: [{ system: RXNORM, code: '855332', display: 'Warfarin 5 MG' }], text: 'Warfarin 5 MG' }, day(i)),
    }));
    const list = buildMedicationList(records);
    const rows = list.groups.flatMap((g) => g.rows);
    expect(rows).toHaveLength(1);
    expect([...rows[0]!.sources].sort()).toEqual(['clinic', 'hospital']);
    expect(rows[0]!.current.length + rows[0]!.earlier.length).toBe(N);
  });

  it('10,000 differently named drugs: 10,000 rows', () => {
    const records: MedicationRecord[] = Array.from({ length: N }, (_, i) => ({ source: 'clinic', resource: request(`d${i}`, { text: `Drug number ${i}` }) }));
    expect(buildMedicationList(records).total).toBe(N);
  });

  it('10,000 differently named records sharing a SNOMED code stay apart; one unnamed record with it joins them all', () => {
    const named = Array.from({ length: N }, (_, i) => ({ source: 'clinic', resource: request(`s${i}`, { coding: [{ system: SCT, code: '123' }], text: `Name ${i}` }) }));
    expect(reconcileMedications(named)).toHaveLength(N);
    const unnamed = { source: 'hospital', resource: request('u', { coding: [{ system: SCT, code: '123' }] }) };
    // Unnamed first or last: the same single group (an unnamed record is compatible with every name).
    expect(reconcileMedications([unnamed, ...named]).map((g) => g.items.length)).toEqual([N + 1]);
    expect(reconcileMedications([...named, unnamed]).map((g) => g.items.length)).toEqual([N + 1]);
  });

  it('differently named records sharing an RxNorm code join; sharing only a SNOMED code they do not', () => {
    const both = (id: string, name: string) => request(id, { coding: [{ system: RXNORM, code: '1' }, { system: SCT, code: '2' }], text: name });
    const snomedOnly = (id: string, name: string) => request(id, { coding: [{ system: SCT, code: '2' }], text: name });
    const groups = reconcileMedications([
      { source: 'c', resource: snomedOnly('a', 'Alpha') },
      { source: 'c', resource: both('b', 'Beta') },
      { source: 'c', resource: both('c', 'Gamma') },
      { source: 'c', resource: snomedOnly('d', 'Alpha') },
    ]);
    expect(groups.map((g) => g.items.map((i) => i.resource.id))).toEqual([['a', 'd'], ['b', 'c']]);
  });
});

describe('allergy grouping at 10,000 rows', () => {
  const peanut = (id: string): AllergyIntolerance => ({
    resourceType: 'AllergyIntolerance',
    id,
    patient: { reference: 'Patient/p' },
    code: { coding: [{ system: SCT, code: '91935009', display: 'Allergy to peanuts' }] },
    reaction: [{ manifestation: [{ text: 'Hives' }] }],
  });

  it('10,000 copies of one allergy from two providers: one row with every record and one reaction', () => {
    const records: AllergyRecord[] = Array.from({ length: N }, (_, i) => ({ source: i % 2 ? 'hospital' : 'clinic', resource: peanut(`p${i}`) }));
    const view = buildAllergyPanel(records);
    expect(view.current).toHaveLength(1);
    expect(view.current[0]!.items).toHaveLength(N);
    expect({ ...view.current[0]!.recordsPerSource }).toEqual({ clinic: N / 2, hospital: N / 2 });
    expect(view.current[0]!.reactions).toHaveLength(1);
  });

  it('10,000 distinct substances: 10,000 rows; 10,000 NKDA statements: one statement with every record', () => {
    const distinct: AllergyRecord[] = Array.from({ length: N }, (_, i) => ({
      source: 'clinic',
      resource: { resourceType: 'AllergyIntolerance', id: `x${i}`, patient: { reference: 'Patient/p' }, code: { text: `Substance ${i}` } },
    }));
    expect(buildAllergyPanel(distinct).current).toHaveLength(N);
    const nkda: AllergyRecord[] = Array.from({ length: N }, (_, i) => ({
      source: 'clinic',
      resource: { resourceType: 'AllergyIntolerance', id: `n${i}`, patient: { reference: 'Patient/p' }, code: { coding: [{ system: SCT, code: '409137002' }] } },
    }));
    const view = buildAllergyPanel(nkda);
    expect(view.noKnown.map((s) => [s.kind, s.items.length])).toEqual([['no-known-drug-allergies', N]]);
  });
});

describe('groupByKeys: the pairwise rule, applied in linear time', () => {
  /** The rule as stated: join i and j when they share a key and are compatible; then take components. */
  function pairwise(infos: MatchInfo[]): number[][] {
    const parent = infos.map((_, i) => i);
    const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
    for (let i = 0; i < infos.length; i++) {
      for (let j = 0; j < i; j++) {
        const shared = infos[i]!.keys.some((k) => infos[j]!.keys.includes(k));
        if (shared && compatible(infos[i]!, infos[j]!)) parent[Math.max(find(i), find(j))] = Math.min(find(i), find(j));
      }
    }
    const groups = new Map<number, number[]>();
    infos.forEach((_, i) => groups.set(find(i), [...(groups.get(find(i)) ?? []), i]));
    return [...groups.values()];
  }

  it('matches the pairwise rule on 300 seeded random inputs (names, weak and strong keys, unnamed records)', () => {
    let seed = 7;
    const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    for (let round = 0; round < 300; round++) {
      const infos: MatchInfo[] = Array.from({ length: 2 + random(30) }, () => {
        const keys = [...new Set(Array.from({ length: random(3) }, () => (random(2) ? `sct|${random(4)}` : `rx|${random(4)}`)))];
        const name = random(4) ? `name ${random(3)}` : '';
        // Strongness depends on the key's system only, as in medicationMatchInfo.
        return { name, keys: name ? [...keys, `name:${name}`] : keys, strong: new Set(keys.filter((k) => k.startsWith('rx|'))) };
      });
      const items = infos.map((_, i) => i);
      expect(groupByKeys(items, (i) => infos[i]!)).toEqual(pairwise(infos));
    }
  });

  it('reads each record’s match data a bounded number of times, however many share a key (10,000 distinct names, one code)', () => {
    let reads = 0;
    const infos: MatchInfo[] = Array.from({ length: N }, (_, i) => {
      const info = { keys: ['sct|123', `name:drug ${i}`], strong: new Set<string>() };
      return Object.defineProperty(info, 'name', { get: () => (reads++, `drug ${i}`), enumerable: true }) as unknown as MatchInfo;
    });
    const groups = groupByKeys(infos, (x) => x);
    expect(groups).toHaveLength(N);
    // A pairwise merge reads every earlier holder's name: about N²/2 = 50,000,000 reads.
    expect(reads).toBeLessThanOrEqual(10 * N);
  });
});
