// @ts-check
/**
 * A synthetic patient record of realistic shape for the benchmarks: one Patient, mostly lab
 * Observations (LOINC codes, UCUM quantities, reference ranges), plus Encounters,
 * MedicationRequests, Conditions, AllergyIntolerances and the Practitioners/Organization they
 * point at. Deterministic: the same options always give the same resources (seeded PRNG), so
 * runs are comparable. Runs in Node (to seed the server) and in the browser (to fill a store).
 */

/**
 * mulberry32: small, fast, good enough for test data.
 * @param {number} seed
 */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** @param {() => number} rnd */
function uuid(rnd) {
  const hex = [];
  for (let i = 0; i < 32; i++) hex.push(Math.floor(rnd() * 16).toString(16));
  hex[12] = '4';
  hex[16] = ((parseInt(hex[16], 16) & 3) | 8).toString(16);
  const s = hex.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

/**
 * Lab tests: LOINC code, display, UCUM unit, normal range.
 * @type {Array<[string, string, string, number, number]>}
 */
const LABS = [
  ['2345-7', 'Glucose [Mass/volume] in Serum or Plasma', 'mg/dL', 70, 99],
  ['2160-0', 'Creatinine [Mass/volume] in Serum or Plasma', 'mg/dL', 0.6, 1.3],
  ['3094-0', 'Urea nitrogen [Mass/volume] in Serum or Plasma', 'mg/dL', 7, 20],
  ['2951-2', 'Sodium [Moles/volume] in Serum or Plasma', 'mmol/L', 135, 145],
  ['2823-3', 'Potassium [Moles/volume] in Serum or Plasma', 'mmol/L', 3.5, 5.1],
  ['2075-0', 'Chloride [Moles/volume] in Serum or Plasma', 'mmol/L', 98, 107],
  ['2028-9', 'Carbon dioxide, total [Moles/volume] in Serum or Plasma', 'mmol/L', 22, 29],
  ['17861-6', 'Calcium [Mass/volume] in Serum or Plasma', 'mg/dL', 8.6, 10.3],
  ['718-7', 'Hemoglobin [Mass/volume] in Blood', 'g/dL', 12, 17.5],
  ['4544-3', 'Hematocrit [Volume Fraction] of Blood by Automated count', '%', 36, 50],
  ['6690-2', 'Leukocytes [#/volume] in Blood by Automated count', '10*3/uL', 4.5, 11],
  ['777-3', 'Platelets [#/volume] in Blood by Automated count', '10*3/uL', 150, 400],
  ['1742-6', 'Alanine aminotransferase [Enzymatic activity/volume] in Serum or Plasma', 'U/L', 7, 56],
  ['1920-8', 'Aspartate aminotransferase [Enzymatic activity/volume] in Serum or Plasma', 'U/L', 10, 40],
  ['4548-4', 'Hemoglobin A1c/Hemoglobin.total in Blood', '%', 4, 5.6],
  ['2093-3', 'Cholesterol [Mass/volume] in Serum or Plasma', 'mg/dL', 125, 200],
  ['2571-8', 'Triglyceride [Mass/volume] in Serum or Plasma', 'mg/dL', 40, 150],
  ['2085-9', 'Cholesterol in HDL [Mass/volume] in Serum or Plasma', 'mg/dL', 40, 90],
  ['13457-7', 'Cholesterol in LDL [Mass/volume] in Serum or Plasma by calculation', 'mg/dL', 50, 130],
  ['33914-3', 'Glomerular filtration rate/1.73 sq M.predicted', 'mL/min/{1.73_m2}', 60, 120],
];

/** @type {Array<[string, string]>} */
const CONDITIONS = [
  ['44054006', 'Diabetes mellitus type 2'],
  ['38341003', 'Hypertensive disorder'],
  ['55822004', 'Hyperlipidemia'],
  ['431855005', 'Chronic kidney disease stage 1'],
  ['195967001', 'Asthma'],
  ['35489007', 'Depressive disorder'],
  ['40055000', 'Chronic sinusitis'],
  ['10509002', 'Acute bronchitis'],
  ['444814009', 'Viral sinusitis'],
  ['68496003', 'Polyp of colon'],
];

/** @type {Array<[string, string, string]>} */
const MEDS = [
  ['860975', 'metformin hydrochloride 500 MG Oral Tablet', '1 tablet twice daily with meals'],
  ['314076', 'lisinopril 10 MG Oral Tablet', '1 tablet once daily'],
  ['617312', 'atorvastatin 40 MG Oral Tablet', '1 tablet at bedtime'],
  ['197361', 'amlodipine 5 MG Oral Tablet', '1 tablet once daily'],
  ['745679', 'albuterol 0.09 MG/ACTUAT Metered Dose Inhaler', '2 puffs every 4 hours as needed'],
  ['312961', 'simvastatin 20 MG Oral Tablet', '1 tablet at bedtime'],
  ['308136', 'amoxicillin 500 MG Oral Capsule', '1 capsule three times daily for 7 days'],
];

/** @type {Array<[string, string, string, string]>} */
const ALLERGIES = [
  ['7980', 'Penicillin G', 'medication', 'high'],
  ['2670', 'Codeine', 'medication', 'low'],
  ['227493005', 'Cashew nuts', 'food', 'high'],
  ['256259004', 'Pollen', 'environment', 'low'],
  ['419199007', 'Allergy to substance', 'environment', 'low'],
];

const DAY = 86_400_000;
const START = Date.UTC(2012, 0, 1);
const SPAN_DAYS = 13 * 365;

/** @param {number} ms */
function dateTime(ms) {
  // Written with a fixed -05:00 offset, as many US servers send it.
  const local = new Date(ms - 5 * 3_600_000).toISOString().slice(0, 19);
  return `${local}-05:00`;
}

/**
 * @param {{ total?: number, seed?: number, patientId?: string }} [options]
 *   `total`: resources to produce, all included (at least 20). `patientId` defaults to a
 *   deterministic UUID.
 * @returns {{ patientId: string, resources: any[], observationIds: string[] }}
 */
export function syntheticPatient(options = {}) {
  const total = Math.max(20, options.total ?? 10_000);
  const rnd = prng(options.seed ?? 42);
  /** @template T @param {T[]} list @returns {T} */
  const pick = (list) => /** @type {T} */ (list[Math.floor(rnd() * list.length)]);
  const patientId = options.patientId ?? uuid(rnd);
  const subject = { reference: `Patient/${patientId}` };
  /** @type {any[]} */
  const resources = [];

  // Shared resources the record points at.
  const orgId = uuid(rnd);
  resources.push({
    resourceType: 'Organization',
    id: orgId,
    identifier: [{ system: 'http://hl7.org/fhir/sid/us-npi', value: String(1_000_000_000 + Math.floor(rnd() * 1e8)) }],
    name: 'Lakeside Family Practice',
    address: [{ line: ['100 Main St'], city: 'Springfield', state: 'MA', postalCode: '01101' }],
  });
  /** @type {string[]} */
  const practitioners = [];
  for (let i = 0; i < 5; i++) {
    const id = uuid(rnd);
    practitioners.push(id);
    resources.push({
      resourceType: 'Practitioner',
      id,
      identifier: [{ system: 'http://hl7.org/fhir/sid/us-npi', value: String(1_900_000_000 + i) }],
      name: [{ family: pick(['Ortiz', 'Nguyen', 'Schmidt', 'Okafor', 'Larsen']), given: [pick(['Ana', 'Sam', 'Lee', 'Ravi', 'Ines'])], prefix: ['Dr.'] }],
    });
  }
  const practitioner = () => ({ reference: `Practitioner/${pick(practitioners)}` });

  resources.push({
    resourceType: 'Patient',
    id: patientId,
    identifier: [
      { system: 'urn:oid:2.16.840.1.113883.19.5', value: `MRN-${Math.floor(rnd() * 1e7)}` },
      { system: 'http://hl7.org/fhir/sid/us-ssn', value: `999-${10 + Math.floor(rnd() * 89)}-${1000 + Math.floor(rnd() * 8999)}` },
    ],
    active: true,
    name: [{ use: 'official', family: pick(['Hartmann', 'Delgado', 'Whitfield', 'Moreau']), given: [pick(['Eleanor', 'Marcus', 'Priya', 'Tomas'])] }],
    gender: pick(['female', 'male']),
    birthDate: `19${40 + Math.floor(rnd() * 50)}-0${1 + Math.floor(rnd() * 9)}-1${Math.floor(rnd() * 9)}`,
    address: [{ line: [`${Math.floor(rnd() * 999)} Elm St`], city: 'Springfield', state: 'MA', postalCode: '01103' }],
    managingOrganization: { reference: `Organization/${orgId}` },
  });

  const left = total - resources.length;
  const counts = {
    allergies: Math.max(1, Math.round(left * 0.0015)),
    conditions: Math.max(1, Math.round(left * 0.023)),
    meds: Math.max(1, Math.round(left * 0.035)),
    encounters: Math.max(1, Math.round(left * 0.04)),
  };
  const observations = left - counts.allergies - counts.conditions - counts.meds - counts.encounters;

  /** @type {Array<{ id: string, start: number }>} */
  const encounters = [];
  for (let i = 0; i < counts.encounters; i++) {
    const id = uuid(rnd);
    const start = START + Math.floor(rnd() * SPAN_DAYS) * DAY + 8 * 3_600_000 + Math.floor(rnd() * 8) * 3_600_000;
    encounters.push({ id, start });
    resources.push({
      resourceType: 'Encounter',
      id,
      status: 'finished',
      class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB', display: 'ambulatory' },
      type: [{ coding: [{ system: 'http://snomed.info/sct', code: '185349003', display: 'Encounter for check up' }] }],
      subject,
      participant: [{ individual: practitioner() }],
      period: { start: dateTime(start), end: dateTime(start + 30 * 60_000) },
      serviceProvider: { reference: `Organization/${orgId}` },
    });
  }

  for (let i = 0; i < counts.conditions; i++) {
    const [code, display] = pick(CONDITIONS);
    const onset = START + Math.floor(rnd() * SPAN_DAYS) * DAY;
    const resolved = rnd() < 0.3;
    resources.push({
      resourceType: 'Condition',
      id: uuid(rnd),
      clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: resolved ? 'resolved' : 'active' }] },
      verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'confirmed' }] },
      category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-category', code: 'problem-list-item' }] }],
      code: { coding: [{ system: 'http://snomed.info/sct', code, display }], text: display },
      subject,
      onsetDateTime: dateTime(onset),
      ...(resolved ? { abatementDateTime: dateTime(onset + Math.floor(rnd() * 200) * DAY) } : {}),
      recordedDate: dateTime(onset),
      recorder: practitioner(),
    });
  }

  for (let i = 0; i < counts.meds; i++) {
    const [code, display, text] = pick(MEDS);
    const enc = pick(encounters);
    resources.push({
      resourceType: 'MedicationRequest',
      id: uuid(rnd),
      status: rnd() < 0.7 ? 'completed' : 'active',
      intent: 'order',
      medicationCodeableConcept: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code, display }], text: display },
      subject,
      encounter: { reference: `Encounter/${enc.id}` },
      authoredOn: dateTime(enc.start),
      requester: practitioner(),
      dosageInstruction: [{ sequence: 1, text, timing: { repeat: { frequency: 1, period: 1, periodUnit: 'd' } } }],
    });
  }

  for (let i = 0; i < counts.allergies; i++) {
    const [code, display, category, criticality] = ALLERGIES[i % ALLERGIES.length];
    resources.push({
      resourceType: 'AllergyIntolerance',
      id: uuid(rnd),
      clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' }] },
      verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification', code: 'confirmed' }] },
      type: 'allergy',
      category: [category],
      criticality,
      code: {
        coding: [{ system: /^\d{4,5}$/.test(code) ? 'http://www.nlm.nih.gov/research/umls/rxnorm' : 'http://snomed.info/sct', code, display }],
        text: display,
      },
      patient: subject,
      recordedDate: dateTime(START + Math.floor(rnd() * SPAN_DAYS) * DAY),
      reaction: [{ manifestation: [{ coding: [{ system: 'http://snomed.info/sct', code: '247472004', display: 'Hives' }] }], severity: 'moderate' }],
    });
  }

  /** @type {string[]} */
  const observationIds = [];
  for (let i = 0; i < observations; i++) {
    const [code, display, unit, low, high] = LABS[i % LABS.length];
    const enc = encounters[Math.floor(i / LABS.length) % encounters.length];
    const span = high - low;
    const value = Math.round((low - span * 0.2 + rnd() * span * 1.4) * 10) / 10;
    const flag = value < low ? 'L' : value > high ? 'H' : 'N';
    const id = uuid(rnd);
    observationIds.push(id);
    resources.push({
      resourceType: 'Observation',
      id,
      status: 'final',
      category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory', display: 'Laboratory' }] }],
      code: { coding: [{ system: 'http://loinc.org', code, display }], text: display },
      subject,
      encounter: { reference: `Encounter/${enc.id}` },
      effectiveDateTime: dateTime(enc.start + 15 * 60_000),
      issued: new Date(enc.start + 5 * 3_600_000).toISOString(),
      performer: [{ reference: `Organization/${orgId}` }],
      valueQuantity: { value, unit, system: 'http://unitsofmeasure.org', code: unit },
      interpretation: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation', code: flag }] }],
      referenceRange: [
        {
          low: { value: low, unit, system: 'http://unitsofmeasure.org', code: unit },
          high: { value: high, unit, system: 'http://unitsofmeasure.org', code: unit },
        },
      ],
    });
  }
  return { patientId, resources, observationIds };
}

/**
 * New versions of `n` Observations (a corrected value and `status: amended`), picked
 * deterministically by `round`, as a server-side change between two syncs.
 * @param {any[]} resources the record from {@link syntheticPatient}
 * @param {number} n
 * @param {number} round
 */
export function amendObservations(resources, n, round) {
  const obs = resources.filter((r) => r.resourceType === 'Observation');
  /** @type {any[]} */
  const out = [];
  for (let i = 0; i < n && i < obs.length; i++) {
    const o = obs[(round * n + i) % obs.length];
    out.push({
      ...o,
      meta: undefined,
      status: 'amended',
      valueQuantity: { ...o.valueQuantity, value: Math.round((o.valueQuantity.value + 0.1 * (round + 1)) * 10) / 10 },
    });
  }
  return out;
}
