import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_DIR,
  HOSPITAL_MRN_SYSTEM,
  SSN_SYSTEM,
  bundleToResources,
  forEachReference,
  loadSampleData,
  splitAcrossProviders,
  type SampleData,
} from '../demo/data/load.mjs';

/* eslint-disable @typescript-eslint/no-explicit-any -- FHIR JSON is inspected loosely here */

const dataDir = fileURLToPath(new URL('../demo/data/', import.meta.url));
const V2_0203 = 'http://terminology.hl7.org/CodeSystem/v2-0203';

let data: SampleData;
let clinic: Map<string, any>;
let hospital: Map<string, any>;

const byKey = (resources: any[]) => new Map(resources.map((r) => [`${r.resourceType}/${r.id}`, r]));
const summary = (name: string) => {
  const p = data.patients.find((x) => x.name === name);
  if (!p) throw new Error(`no sample patient named ${name}`);
  return p;
};
const readSource = async (file: string) => JSON.parse(await readFile(join(DEFAULT_DIR, file), 'utf8'));

beforeAll(async () => {
  data = await loadSampleData();
  clinic = byKey(data.bases[0].resources);
  hospital = byKey(data.bases[1].resources);
});

describe('loadSampleData: the two bases', () => {
  it('returns the clinic and the hospital, with their labels', () => {
    expect(data.bases.map((b) => [b.id, b.label])).toEqual([
      ['clinic', 'Riverside Clinic'],
      ['hospital', 'St Elsewhere Hospital'],
    ]);
    expect(clinic.size).toBeGreaterThan(1000);
    expect(hospital.size).toBeGreaterThan(300);
  });

  it('gives every resource a type and a valid id, unique within its base', () => {
    for (const base of data.bases) {
      const keys = new Set<string>();
      for (const r of base.resources as any[]) {
        expect(typeof r.resourceType).toBe('string');
        expect(r.id).toMatch(/^[A-Za-z0-9\-.]{1,64}$/);
        const key = `${r.resourceType}/${r.id}`;
        expect(keys.has(key), `${key} twice in ${base.id}`).toBe(false);
        keys.add(key);
      }
    }
  });

  it('resolves every reference within its own base, apart from the reported ones', () => {
    const reported = new Set(
      data.problems
        .filter((p) => p.kind === 'dangling-reference')
        .map((p) => `${p.base}|${p.resource}|${p.reference}`),
    );
    for (const base of data.bases) {
      const here = base.id === 'clinic' ? clinic : hospital;
      for (const r of base.resources) {
        forEachReference(r, (ref) => {
          const value = ref.reference;
          if (value.startsWith('#')) return;
          if (here.has(value)) return;
          expect(reported, `${base.id}: ${r.resourceType}/${r.id} -> ${value}`).toContain(
            `${base.id}|${r.resourceType}/${r.id}|${value}`,
          );
        });
      }
    }
    // Nothing is left in urn:uuid or absolute form once resolved.
    for (const base of data.bases) {
      for (const r of base.resources) {
        forEachReference(r, (ref) => {
          if (here(base.id).has(ref.reference)) expect(ref.reference).toMatch(/^[A-Z][A-Za-z]+\/[A-Za-z0-9\-.]+$/);
        });
      }
    }
    function here(id: string) {
      return id === 'clinic' ? clinic : hospital;
    }
  });

  it('reports the dangling MedicationRequest of the inferno client_test patient', () => {
    const p = data.problems.find(
      (x) => x.kind === 'dangling-reference' && x.reference === 'MedicationRequest/medicationrequest-coded-oral-axid',
    );
    expect(p).toMatchObject({
      file: 'uscore_bundle_patient_client_test.json',
      base: 'clinic',
      resource: 'MedicationDispense/us-core-client-tests-medication-dispense',
    });
    // The reference is kept as written, not dropped.
    const dispense = clinic.get('MedicationDispense/us-core-client-tests-medication-dispense');
    expect(JSON.stringify(dispense)).toContain('MedicationRequest/medicationrequest-coded-oral-axid');
  });

  it('has no problems other than dangling references in the shipped data', () => {
    expect(data.problems.filter((p) => p.kind !== 'dangling-reference')).toEqual([]);
  });
});

describe('loadSampleData: one patient, two providers', () => {
  const synthea = ['Margery Gibson', 'Neva Hyatt', 'Parker Casper', 'Versie Botsford'];

  it('loads at least six patients, the deceased one and the toddler with allergies among them', () => {
    expect(data.patients.length).toBeGreaterThanOrEqual(6);
    expect(summary('Parker Casper').deceased).toBe(true);
    expect(summary('Versie Botsford').deceased).toBe(false);
    expect(data.patients.filter((p) => p.hospital).length).toBeGreaterThanOrEqual(6);
    expect(data.linkIdentifierSystems).toContain(SSN_SYSTEM);
  });

  it.each(synthea)('keeps %s in both bases under different ids, linked by the same SSN', (name) => {
    const s = summary(name);
    expect(s.clinic).toBeDefined();
    expect(s.hospital).toBeDefined();
    expect(s.hospital).not.toBe(s.clinic);
    const c = clinic.get(s.clinic!);
    const h = hospital.get(s.hospital!);
    const ssn = (p: any) => p.identifier.find((i: any) => i.system === SSN_SYSTEM)?.value;
    expect(ssn(c)).toMatch(/^\d{3}-\d{2}-\d{4}$/);
    expect(ssn(h)).toBe(ssn(c));
    expect(s.linkIdentifier).toEqual({ system: SSN_SYSTEM, value: ssn(c) });
    expect(hospital.has(s.clinic!)).toBe(false);
    expect(clinic.has(s.hospital!)).toBe(false);
  });

  it('gives the hospital copy its own MRN, and leaves the clinic copy without it', () => {
    const s = summary('Parker Casper');
    const h = hospital.get(s.hospital!);
    const c = clinic.get(s.clinic!);
    const first = h.identifier[0];
    expect(first.system).toBe(HOSPITAL_MRN_SYSTEM);
    expect(first.type.coding).toContainEqual(expect.objectContaining({ system: V2_0203, code: 'MR' }));
    expect(first.value).toMatch(/^H\d{8}$/);
    expect(c.identifier.some((i: any) => i.system === HOSPITAL_MRN_SYSTEM)).toBe(false);
    // Apart from the added MRN and the id, the hospital's Patient is the clinic's.
    expect({ ...h, id: c.id, identifier: h.identifier.slice(1) }).toEqual(c);
    // Different patients get different MRNs.
    const mrns = data.patients
      .filter((p) => p.hospital)
      .map((p) => hospital.get(p.hospital!).identifier[0].value);
    expect(new Set(mrns).size).toBe(mrns.length);
  });

  it('puts emergency and inpatient encounters at the hospital and ambulatory ones at the clinic', async () => {
    const classes = (m: Map<string, any>) =>
      new Set([...m.values()].filter((r) => r.resourceType === 'Encounter').map((r) => r.class.code));
    expect(classes(hospital)).toEqual(new Set(['EMER', 'IMP']));
    expect(classes(clinic)).toEqual(new Set(['AMB']));

    // Every encounter of Parker Casper's source bundle is in exactly one base, by its class.
    const source = await readSource('Parker_Casper_6d0c6969-6843-47e1-9921-d9bf11b1df31.json');
    const encounters = source.entry.map((e: any) => e.resource).filter((r: any) => r.resourceType === 'Encounter');
    expect(encounters.length).toBe(24);
    for (const e of encounters) {
      const key = `Encounter/${e.id}`;
      const atHospital = ['EMER', 'IMP'].includes(e.class.code);
      expect(hospital.has(key), key).toBe(atHospital);
      expect(clinic.has(key), key).toBe(!atHospital);
    }
  });

  it('keeps what happened during a hospital stay at the hospital, about the hospital patient', () => {
    const s = summary('Parker Casper');
    const hospitalEncounters = new Set(
      [...hospital.values()].filter((r) => r.resourceType === 'Encounter').map((r) => `Encounter/${r.id}`),
    );
    const observations = [...hospital.values()].filter(
      (r) => r.resourceType === 'Observation' && hospitalEncounters.has(r.encounter?.reference),
    );
    expect(observations.length).toBeGreaterThan(20);
    const parkers = observations.filter((o) => o.subject.reference === s.hospital);
    expect(parkers.length).toBeGreaterThan(0);
    for (const o of observations) {
      expect(clinic.has(`Observation/${o.id}`)).toBe(false);
      expect(o.subject.reference).toMatch(/^Patient\/h-/);
    }
    // An Observation from an inpatient stay: the encounter is there, the subject is the hospital's patient.
    const imp = [...hospital.values()].find(
      (r) => r.resourceType === 'Encounter' && r.class.code === 'IMP' && r.subject.reference === s.hospital,
    );
    expect(imp?.subject.reference).toBe(s.hospital);
    // And clinic observations refer to clinic encounters and to the clinic's patient.
    for (const o of clinic.values()) {
      if (o.resourceType !== 'Observation' || !o.encounter?.reference) continue; // some are display-only
      expect(clinic.get(o.encounter.reference)?.class.code).toBe('AMB');
      expect(o.subject.reference).not.toMatch(/^Patient\/h-/);
    }
  });

  it('never lets a hospital resource point at a clinic patient, or the other way round', () => {
    const clinicPatients = new Set(data.patients.map((p) => p.clinic));
    const hospitalPatients = new Set(data.patients.flatMap((p) => (p.hospital ? [p.hospital] : [])));
    for (const r of hospital.values()) {
      forEachReference(r, (ref) => expect(clinicPatients.has(ref.reference), `${r.resourceType}/${r.id}`).toBe(false));
    }
    for (const r of clinic.values()) {
      forEachReference(r, (ref) => expect(hospitalPatients.has(ref.reference)).toBe(false));
    }
  });

  it('records two of Versie Botsford’s allergies at the hospital too, under other ids', () => {
    const s = summary('Versie Botsford');
    const atClinic = [...clinic.values()].filter(
      (r) => r.resourceType === 'AllergyIntolerance' && r.patient.reference === s.clinic,
    );
    const atHospital = [...hospital.values()].filter(
      (r) => r.resourceType === 'AllergyIntolerance' && r.patient.reference === s.hospital,
    );
    expect(atClinic).toHaveLength(10);
    expect(atHospital).toHaveLength(2);
    for (const h of atHospital) {
      const twin = atClinic.find((c) => JSON.stringify(c.code) === JSON.stringify(h.code));
      expect(twin?.code, h.code.text).toEqual(h.code);
      expect(h.id).not.toBe(twin.id);
      expect({ ...h, id: twin.id, patient: twin.patient }).toEqual(twin);
    }
  });

  it('copies practitioners and organisations into every base that refers to them', () => {
    const s = summary('Versie Botsford');
    const encounter = [...hospital.values()].find(
      (r) => r.resourceType === 'Encounter' && r.subject.reference === s.hospital,
    );
    const practitioner = encounter.participant[0].individual.reference;
    const organization = encounter.serviceProvider.reference;
    expect(hospital.has(practitioner)).toBe(true);
    expect(hospital.has(organization)).toBe(true);
    expect(clinic.get(practitioner)).toEqual(hospital.get(practitioner));
  });

  it('makes the hospital side substantial with the hospital laboratory’s reports', () => {
    const s = summary('Margery Gibson');
    const reports = [...hospital.values()].filter(
      (r) => r.resourceType === 'DiagnosticReport' && r.subject.reference === s.hospital,
    );
    expect(reports.length).toBeGreaterThan(5);
    for (const report of reports) {
      for (const result of report.result ?? []) expect(hospital.has(result.reference)).toBe(true);
      // A report's encounter, when it names one, is in the same base.
      expect(report.encounter === undefined || hospital.has(report.encounter.reference), report.encounter?.reference).toBe(true);
    }
    // Lab codes then have results from both providers over time.
    const codes = (m: Map<string, any>, patient: string) =>
      new Set(
        [...m.values()]
          .filter((r) => r.resourceType === 'Observation' && r.subject.reference === patient)
          .map((r) => r.code.coding[0].code),
      );
    const shared = [...codes(hospital, s.hospital!)].filter((c) => codes(clinic, s.clinic!).has(c));
    expect(shared.length).toBeGreaterThan(3);
  });

  it('takes the id of inferno patient 355 from its PUT request URL', () => {
    const s = summary('Dustin31 Ritchie586');
    expect(s.clinic).toBe('Patient/355');
    expect(s.hospital).toBe('Patient/h-355');
    expect(s.linkIdentifier?.system).toBe(SSN_SYSTEM);
    // Entries that referred to the Patient's urn:uuid now refer to Patient/355.
    const conditions = [...clinic.values()].filter(
      (r) => r.resourceType === 'Condition' && r.subject.reference === 'Patient/355',
    );
    expect(conditions.length).toBeGreaterThan(10);
  });

  it('links the hand-made inferno patients by their medical record number', () => {
    const s = summary('Peter James Chalmers');
    expect(s.linkIdentifier).toEqual({ system: 'urn:oid:1.2.36.146.595.217.0.1', value: '12345' });
    expect(s.hospital).toBe('Patient/h-usqualitycore-patient');
    const h = hospital.get(s.hospital!);
    expect(h.identifier.some((i: any) => i.system === s.linkIdentifier!.system && i.value === '12345')).toBe(true);
    // The client_test patient has only ambulatory care: the hospital never saw him.
    expect(summary('ClientTests USCore').hospital).toBeUndefined();
  });

  it('resolves the absolute fullUrls of the IPS document bundle', () => {
    const s = summary('Patricia JORDANA');
    expect(s.clinic).toBe('Patient/d174bd1a-b368-41e6-83a2-af77f2b3c60f');
    const composition = clinic.get('Composition/9c98f78e-f324-4ad5-97a1-8eb9ef9a1172');
    expect(composition.subject.reference).toBe(s.clinic);
    const text = JSON.stringify([...clinic.values()]);
    expect(text).not.toContain('"reference":"https://fhir.example.com/');
    expect(text).not.toContain('"reference":"urn:uuid:');
  });

  it('splits the Provenance of patient 355 so each copy names only its own side', () => {
    const provs = (m: Map<string, any>) => [...m.values()].filter((r) => r.resourceType === 'Provenance');
    for (const [m, base] of [
      [clinic, 'clinic'],
      [hospital, 'hospital'],
    ] as const) {
      for (const p of provs(m)) {
        for (const t of p.target) expect(m.has(t.reference), `${base} ${p.id} -> ${t.reference}`).toBe(true);
      }
    }
    const c = clinic.get('Provenance/85807868-f29c-1ca9-1d2a-91665d2c4f05');
    const h = hospital.get('Provenance/h-85807868-f29c-1ca9-1d2a-91665d2c4f05');
    expect(c.target.length).toBeGreaterThan(300);
    expect(h.target.length).toBeGreaterThan(10);
  });

  it('ships the license and notice files beside the data', async () => {
    const licenses = await readdir(join(dataDir, 'LICENSES'));
    expect(licenses).toEqual(
      expect.arrayContaining([
        'smart-on-fhir_generated-sample-data.LICENSE',
        'inferno-reference-server-data.LICENSE',
        'inferno-reference-server-data.NOTICE.md',
      ]),
    );
    const notice = await readFile(join(dataDir, 'NOTICE.md'), 'utf8');
    for (const word of ['Apache', 'CC0', 'MITRE']) expect(notice).toContain(word);
  });

  it('gives the same result every time', async () => {
    const again = await loadSampleData();
    expect(JSON.stringify(again)).toBe(JSON.stringify(data));
  });
});

describe('loadSampleData: bad input', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ehr-sample-data-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reports a malformed file and still loads the others', async () => {
    await writeFile(join(dir, 'a-broken.json'), '{ "resourceType": "Bundle", "entry": [ ');
    await writeFile(join(dir, 'b-not-fhir.json'), '{ "hello": "world" }');
    await writeFile(
      join(dir, 'c-patient.json'),
      JSON.stringify({
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          {
            fullUrl: 'urn:uuid:11111111-1111-4111-8111-111111111111',
            resource: { resourceType: 'Patient', identifier: [{ system: SSN_SYSTEM, value: '999-00-0001' }] },
            request: { method: 'POST', url: 'Patient' },
          },
          {
            fullUrl: 'urn:uuid:22222222-2222-4222-8222-222222222222',
            resource: {
              resourceType: 'Observation',
              status: 'final',
              code: { text: 'x' },
              subject: { reference: 'urn:uuid:11111111-1111-4111-8111-111111111111' },
              performer: [{ reference: 'urn:uuid:99999999-9999-4999-8999-999999999999' }],
            },
            request: { method: 'POST', url: 'Observation' },
          },
        ],
      }),
    );
    const result = await loadSampleData({ dir });
    expect(result.problems).toContainEqual(expect.objectContaining({ file: 'a-broken.json', kind: 'invalid-json' }));
    expect(result.problems).toContainEqual(expect.objectContaining({ file: 'b-not-fhir.json', kind: 'not-fhir' }));
    expect(result.problems).toContainEqual(
      expect.objectContaining({
        file: 'c-patient.json',
        kind: 'dangling-reference',
        reference: 'urn:uuid:99999999-9999-4999-8999-999999999999',
        resource: 'Observation/22222222-2222-4222-8222-222222222222',
      }),
    );
    const observation: any = result.bases[0].resources.find((r) => r.resourceType === 'Observation');
    expect(observation.subject.reference).toBe('Patient/11111111-1111-4111-8111-111111111111');
    expect(result.patients).toEqual([expect.objectContaining({ clinic: 'Patient/11111111-1111-4111-8111-111111111111' })]);
  });
});

describe('bundleToResources', () => {
  it('handles the reference styles found in real bundles', () => {
    const bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        // PUT with a urn:uuid fullUrl: the id comes from the request URL.
        {
          fullUrl: 'urn:uuid:aaaaaaaa-0000-4000-8000-000000000001',
          resource: {
            resourceType: 'Patient',
            identifier: [{ system: 'urn:example:mrn', value: '42' }],
          },
          request: { method: 'PUT', url: 'Patient/p42' },
        },
        // POST with a urn:uuid fullUrl and no id: the uuid becomes the id.
        {
          fullUrl: 'urn:uuid:aaaaaaaa-0000-4000-8000-000000000002',
          resource: {
            resourceType: 'Observation',
            subject: { reference: 'urn:uuid:aaaaaaaa-0000-4000-8000-000000000001' },
            performer: [{ reference: 'Practitioner?identifier=urn:example:npi|7' }],
            hasMember: [{ reference: 'Observation/o2/_history/3' }],
            extension: [{ url: 'urn:x', valueReference: { reference: 'Patient/p42' } }],
            specimen: { reference: '#sp' },
            contained: [{ resourceType: 'Specimen', id: 'sp' }],
          },
          request: { method: 'POST', url: 'Observation' },
        },
        // No fullUrl, relative ids.
        { resource: { resourceType: 'Observation', id: 'o2' }, request: { method: 'PUT', url: 'Observation/o2' } },
        {
          resource: { resourceType: 'Practitioner', id: 'doc', identifier: [{ system: 'urn:example:npi', value: '7' }] },
          request: { method: 'PUT', url: 'Practitioner/doc' },
        },
        { request: { method: 'DELETE', url: 'Observation/old' } },
      ],
    };
    const before = JSON.stringify(bundle);
    const { resources, problems } = bundleToResources(bundle, { file: 'styles.json' });
    expect(JSON.stringify(bundle)).toBe(before); // input untouched
    expect(resources.map((r) => `${r.resourceType}/${r.id}`)).toEqual([
      'Patient/p42',
      'Observation/aaaaaaaa-0000-4000-8000-000000000002',
      'Observation/o2',
      'Practitioner/doc',
    ]);
    const obs: any = resources[1];
    expect(obs.subject.reference).toBe('Patient/p42');
    expect(obs.performer[0].reference).toBe('Practitioner/doc');
    expect(obs.hasMember[0].reference).toBe('Observation/o2');
    expect(obs.extension[0].valueReference.reference).toBe('Patient/p42');
    expect(obs.specimen.reference).toBe('#sp');
    expect(problems).toEqual([expect.objectContaining({ file: 'styles.json', kind: 'unsupported-entry' })]);
  });

  it('resolves relative references against absolute fullUrls in a document bundle', () => {
    const { resources, problems } = bundleToResources({
      resourceType: 'Bundle',
      type: 'document',
      entry: [
        {
          fullUrl: 'https://example.org/fhir/Composition/c1',
          resource: { resourceType: 'Composition', id: 'c1', subject: { reference: 'Patient/p1' } },
        },
        { fullUrl: 'https://example.org/fhir/Patient/p1', resource: { resourceType: 'Patient', id: 'p1' } },
        {
          fullUrl: 'https://example.org/fhir/Condition/k1',
          resource: {
            resourceType: 'Condition',
            id: 'k1',
            subject: { reference: 'https://example.org/fhir/Patient/p1' },
            asserter: { reference: 'Practitioner/nobody' },
          },
        },
      ],
    });
    expect((resources[0] as any).subject.reference).toBe('Patient/p1');
    expect((resources[2] as any).subject.reference).toBe('Patient/p1');
    expect(problems).toEqual([
      expect.objectContaining({ kind: 'dangling-reference', reference: 'Practitioner/nobody', resource: 'Condition/k1' }),
    ]);
  });

  it('reports an unknown urn:uuid and a conditional reference it cannot resolve', () => {
    const { resources, problems } = bundleToResources({
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        {
          fullUrl: 'urn:uuid:bbbbbbbb-0000-4000-8000-000000000001',
          resource: {
            resourceType: 'Condition',
            subject: { reference: 'urn:uuid:bbbbbbbb-0000-4000-8000-00000000ffff' },
            asserter: { reference: 'Practitioner?identifier=urn:x|1' },
          },
          request: { method: 'POST', url: 'Condition' },
        },
      ],
    });
    expect(resources).toHaveLength(1);
    expect((resources[0] as any).subject.reference).toBe('urn:uuid:bbbbbbbb-0000-4000-8000-00000000ffff');
    expect(problems.map((p) => p.kind)).toEqual(['dangling-reference', 'unsupported-conditional-reference']);
  });
});

describe('splitAcrossProviders', () => {
  const resources: any[] = [
    { resourceType: 'Patient', id: 'p', identifier: [{ system: SSN_SYSTEM, value: '999-00-0002' }] },
    { resourceType: 'Practitioner', id: 'dr' },
    {
      resourceType: 'Encounter',
      id: 'er',
      class: { code: 'EMER' },
      subject: { reference: 'Patient/p' },
      participant: [{ individual: { reference: 'Practitioner/dr' } }],
    },
    {
      resourceType: 'Encounter',
      id: 'visit',
      class: { code: 'AMB' },
      subject: { reference: 'Patient/p' },
      participant: [{ individual: { reference: 'Practitioner/dr' } }],
    },
    {
      resourceType: 'Condition',
      id: 'fracture',
      subject: { reference: 'Patient/p' },
      encounter: { reference: 'Encounter/er' },
    },
    {
      resourceType: 'Observation',
      id: 'pulse',
      subject: { reference: 'Patient/p' },
      encounter: { reference: 'Encounter/er' },
    },
    {
      resourceType: 'Procedure',
      id: 'cast-removal',
      subject: { reference: 'Patient/p' },
      encounter: { reference: 'Encounter/visit' },
      reasonReference: [{ reference: 'Condition/fracture' }],
    },
    { resourceType: 'AllergyIntolerance', id: 'nuts', patient: { reference: 'Patient/p' } },
  ];

  it('puts the emergency visit and what it produced at the hospital, the rest at the clinic', () => {
    const split = splitAcrossProviders(resources, { hospitalLabFrom: null });
    const keys = (list: any[]) => list.map((r) => `${r.resourceType}/${r.id}`).sort();
    expect(split.patient).toEqual({ clinic: 'Patient/p', hospital: 'Patient/h-p' });
    expect(keys(split.hospital)).toEqual([
      'Condition/fracture',
      'Encounter/er',
      'Observation/pulse',
      'Patient/h-p',
      'Practitioner/dr',
    ]);
    // The clinic's follow-up refers to the diagnosis, so the clinic keeps a copy of it, without
    // the emergency visit it does not hold.
    expect(keys(split.clinic)).toEqual([
      'AllergyIntolerance/nuts',
      'Condition/fracture',
      'Encounter/visit',
      'Patient/p',
      'Practitioner/dr',
      'Procedure/cast-removal',
    ]);
    const clinicCopy: any = split.clinic.find((r) => r.id === 'fracture');
    expect(clinicCopy.encounter).toBeUndefined();
    expect(clinicCopy.subject.reference).toBe('Patient/p');
    const hospitalCondition: any = split.hospital.find((r) => r.id === 'fracture');
    expect(hospitalCondition.subject.reference).toBe('Patient/h-p');
    expect(hospitalCondition.encounter.reference).toBe('Encounter/er');
    expect(split.copiedAcross).toEqual({ clinic: ['Condition/fracture'], hospital: [] });
    // The input is untouched.
    expect(resources[4].subject.reference).toBe('Patient/p');
  });

  it('keeps everything at the clinic when the patient has nothing to link the two copies by', () => {
    const anonymous = resources.map((r) => (r.resourceType === 'Patient' ? { resourceType: 'Patient', id: 'p' } : r));
    const split = splitAcrossProviders(anonymous);
    expect(split.hospital).toEqual([]);
    expect(split.clinic).toHaveLength(resources.length);
    expect(split.patient).toEqual({ clinic: 'Patient/p' });
    expect(split.problems).toEqual([expect.objectContaining({ kind: 'unlinkable-patient', resource: 'Patient/p' })]);
  });
});
