/**
 * The hostile-input corpus (issue 7 §3): what a hostile or broken FHIR server can send, as cases
 * the corpus test (`test/hostile-corpus.browser.test.ts`) pushes through the real local server,
 * the sync engine, the store and every element.
 *
 * A case changes a real-shaped record (Versie Botsford's Synthea chart, as the server holds it)
 * and/or adds resources to the server's answer pages (the `inject` fault: entries appended to a
 * `$everything` page, as a hostile server would), and/or switches a transport fault on. It says
 * what must be seen: the cut it must cause, reported, and any hostile text that must be shown
 * as text. Every case is also held to the corpus-wide bar: no script runs, no uncaught error,
 * the rest of the record is still shown.
 *
 * Record data here is test data only; nothing is shipped.
 */
import type { Resource } from 'fhir/r4';

/** Every payload calls this; the corpus counts the calls (it must stay 0). */
export const TRAP = '__ehrHostileRan';

/** Markup that runs `TRAP` if it is ever parsed as HTML, or evaluated, or followed as a URL. */
export const SCRIPTS = {
  img: `<img src="x" onerror="window.${TRAP}()">`,
  script: `<script>window.${TRAP}()</script>`,
  svg: `"><svg onload="window.${TRAP}()">`,
  iframe: `<iframe srcdoc="<script>parent.${TRAP}()</script>"></iframe>`,
  attribute: `" onmouseover="window.${TRAP}()" autofocus onfocus="window.${TRAP}()" x="`,
  template: '${window.' + TRAP + '()}{{constructor.constructor("window.' + TRAP + '()")()}}',
  style: `</style><style>*{display:none}</style><img src=x onerror=window.${TRAP}()>`,
  javascriptUrl: `javascript:window.${TRAP}()`,
  dataUrl: `data:text/html,<script>parent.${TRAP}()</script>`,
  vbscriptUrl: `vbscript:msgbox(1)`,
} as const;

export const RLO = '\u202E';
export const LRI = '\u2066';
export const PDI = '\u2069';
/** One mebibyte of text (ASCII, so 1 MiB in UTF-8). */
export const ONE_MB = 'A'.repeat(1024 * 1024);
/** What an element shows after the first 1,000 characters of {@link ONE_MB}. */
export const CUT_1MB = `${'A'.repeat(1000)}… (1,047,576 more characters not shown)`;

/** The record every case starts from, as the server holds it (a copy per case). */
export interface Chart {
  patientId: string;
  /** Every resource of the patient on the server (Patient first). */
  resources: Resource[];
}

/** Where a cut must show up. */
export interface ExpectedCut {
  /** Resources refused by the engine (counted in `SourceReport.refused`), at least this many. */
  refused?: number;
  /** Note codes (or the source error's code) the report must carry. */
  codes?: string[];
  /** The source fails with this error code (the record already cached stays shown). */
  error?: string;
}

export interface HostileCase {
  /** `family/what`, unique. */
  id: string;
  /** The kind of hostile input this belongs to. */
  family:
    | 'markup'
    | 'url'
    | 'bidi'
    | 'prototype'
    | 'huge-string'
    | 'huge-array'
    | 'nesting'
    | 'wrong-type'
    | 'missing'
    | 'date'
    | 'duplicate'
    | 'transport';
  /** Changes the server's copy of the chart (in place). */
  chart?(chart: Chart): void;
  /** Resources appended to the first `$everything` page (raw JSON: anything goes). */
  inject?(chart: Chart): unknown[];
  /** Server faults for the sync under test (after a clean first sync, so a cached record exists). */
  faults?: Record<string, unknown>;
  /** Engine limits for this case (a host's configuration). */
  limits?: Record<string, number>;
  /** What the report must say was cut. No `cut`: nothing may be refused or fail. */
  cut?: ExpectedCut;
  /** Text that must appear, as text, in an element (tag → substrings). */
  shown?: Partial<Record<string, string[]>>;
  /** Text of the untouched chart this case removes on purpose (not required to be shown). */
  drops?: string[];
}

// --- building blocks ---------------------------------------------------------------------------

const ALLERGY_CLINICAL = 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical';
const ALLERGY_VERIFICATION = 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification';

type Json = Record<string, unknown>;

/** An active, confirmed allergy of the chart's patient, with `over` merged in. */
export function allergy(chart: Chart, id: string, over: Json = {}): Json {
  return {
    resourceType: 'AllergyIntolerance',
    id,
    meta: { versionId: '1', lastUpdated: '2024-05-01T10:00:00Z' },
    clinicalStatus: { coding: [{ system: ALLERGY_CLINICAL, code: 'active' }] },
    verificationStatus: { coding: [{ system: ALLERGY_VERIFICATION, code: 'confirmed' }] },
    category: ['medication'],
    criticality: 'high',
    code: { text: 'Hostile test allergy' },
    patient: { reference: `Patient/${chart.patientId}` },
    recordedDate: '2024-05-01',
    ...over,
  };
}

/** An active order of the chart's patient, with `over` merged in. */
export function order(chart: Chart, id: string, over: Json = {}): Json {
  return {
    resourceType: 'MedicationRequest',
    id,
    meta: { versionId: '1', lastUpdated: '2024-05-01T10:00:00Z' },
    status: 'active',
    intent: 'order',
    medicationCodeableConcept: { text: 'Hostile test medication 10 MG' },
    subject: { reference: `Patient/${chart.patientId}` },
    authoredOn: '2024-05-01',
    dosageInstruction: [{ text: 'One tablet daily' }],
    ...over,
  };
}

/** The chart's Patient (to change it in place). */
export function patientOf(chart: Chart): Json {
  const p = chart.resources.find((r) => r.resourceType === 'Patient' && r.id === chart.patientId);
  if (!p) throw new Error('chart without its Patient');
  return p as unknown as Json;
}

/** `levels` objects nested in each other under `key` (arrays between them when `arrays`). */
export function nested(levels: number, leaf: unknown, key = 'extension'): unknown {
  let node: unknown = leaf;
  for (let i = 0; i < levels; i++) node = i % 2 ? { url: 'urn:x', [key]: [node] } : [node];
  return node;
}

const many = <T>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));

/** An injected allergy whose substance text is `text`, which the panel must show as text. */
function allergyText(id: string, family: HostileCase['family'], text: string, extra: Partial<HostileCase> = {}): HostileCase {
  return { id, family, inject: (c) => [allergy(c, `h-${id.replace(/\W+/g, '-')}`, { code: { text } })], shown: { 'ehr-allergy-panel': [text] }, ...extra };
}

/** An injected order whose medication text is `text`, which the list must show as text. */
function orderText(id: string, family: HostileCase['family'], text: string): HostileCase {
  return { id, family, inject: (c) => [order(c, `h-${id.replace(/\W+/g, '-')}`, { medicationCodeableConcept: { text } })], shown: { 'ehr-medication-list': [text] } };
}

const FAMILY = 'Botsford';
/** How the banner shows a family name: in capitals. */
const upper = (s: string) => s.toUpperCase();

// --- the cases ---------------------------------------------------------------------------------

export const CASES: HostileCase[] = [
  // Markup and script in every text field an element shows.
  {
    id: 'markup/patient-family-name',
    family: 'markup',
    chart: (c) => void ((patientOf(c).name as Json[])[0]!.family = `${SCRIPTS.img}${FAMILY}`),
    shown: { 'ehr-patient-banner': [upper(`${SCRIPTS.img}${FAMILY}`)] },
  },
  {
    id: 'markup/patient-given-name',
    family: 'markup',
    chart: (c) => void ((patientOf(c).name as Json[])[0]!.given = [SCRIPTS.script]),
    shown: { 'ehr-patient-banner': [SCRIPTS.script] },
    drops: ['Versie'],
  },
  {
    id: 'markup/patient-identifier',
    family: 'markup',
    chart: (c) => void (patientOf(c).identifier as Json[]).unshift({ type: { text: SCRIPTS.svg }, system: 'urn:oid:1.2.36.146.595.217.0.1', value: SCRIPTS.attribute }),
  },
  {
    id: 'markup/patient-address-telecom',
    family: 'markup',
    chart: (c) => {
      const p = patientOf(c);
      p.address = [{ line: [SCRIPTS.iframe], city: SCRIPTS.img, text: SCRIPTS.script }];
      p.telecom = [{ system: 'phone', value: SCRIPTS.svg }];
    },
  },
  {
    id: 'markup/general-practitioner',
    family: 'markup',
    chart: (c) => void (patientOf(c).generalPractitioner = [{ display: SCRIPTS.style }]),
  },
  allergyText('markup/allergy-substance-img', 'markup', `${SCRIPTS.img} Penicillin`),
  allergyText('markup/allergy-substance-iframe', 'markup', SCRIPTS.iframe),
  allergyText('markup/allergy-substance-template', 'markup', SCRIPTS.template),
  {
    id: 'markup/allergy-reaction-note',
    family: 'markup',
    inject: (c) => [
      allergy(c, 'h-reaction-markup', {
        code: { text: 'Aspirin' },
        reaction: [{ manifestation: [{ text: SCRIPTS.script }], description: SCRIPTS.img, severity: 'severe' }],
        note: [{ text: SCRIPTS.iframe }],
        recorder: { display: SCRIPTS.svg },
      }),
    ],
    shown: { 'ehr-allergy-panel': ['Aspirin', SCRIPTS.script] },
  },
  {
    id: 'markup/allergy-category-criticality',
    family: 'markup',
    inject: (c) => [allergy(c, 'h-category-markup', { code: { text: 'Sulfa' }, category: [SCRIPTS.img], criticality: SCRIPTS.svg })],
    shown: { 'ehr-allergy-panel': ['Sulfa', SCRIPTS.img] },
  },
  orderText('markup/medication-text-img', 'markup', `${SCRIPTS.img} Warfarin 5 MG`),
  orderText('markup/medication-text-style', 'markup', SCRIPTS.style),
  {
    id: 'markup/medication-dosage-status',
    family: 'markup',
    inject: (c) => [
      order(c, 'h-dosage-markup', {
        medicationCodeableConcept: { text: 'Metformin 500 MG' },
        status: SCRIPTS.img,
        dosageInstruction: [{ text: SCRIPTS.script, patientInstruction: SCRIPTS.iframe, route: { text: SCRIPTS.svg } }],
        requester: { display: SCRIPTS.attribute },
        note: [{ text: SCRIPTS.template }],
      }),
    ],
    shown: { 'ehr-medication-list': ['Metformin 500 MG', SCRIPTS.img] },
  },
  {
    id: 'markup/medication-statement',
    family: 'markup',
    inject: (c) => [
      {
        resourceType: 'MedicationStatement',
        id: 'h-statement-markup',
        status: 'active',
        medicationCodeableConcept: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '1', display: SCRIPTS.img }] },
        subject: { reference: `Patient/${c.patientId}` },
        effectiveDateTime: '2024-04-01',
        dosage: [{ text: SCRIPTS.svg }],
      },
    ],
    shown: { 'ehr-medication-list': [SCRIPTS.img] },
  },
  {
    id: 'markup/coding-display-only',
    family: 'markup',
    inject: (c) => [allergy(c, 'h-coding-markup', { code: { coding: [{ system: 'http://snomed.info/sct', code: '91936005', display: SCRIPTS.iframe }] } })],
    shown: { 'ehr-allergy-panel': [SCRIPTS.iframe] },
  },

  // javascript: and data: in every URL-like field.
  { id: 'url/patient-photo', family: 'url', chart: (c) => void (patientOf(c).photo = [{ url: SCRIPTS.javascriptUrl, contentType: 'image/png' }, { data: 'PHN2Zz4=', url: SCRIPTS.dataUrl }]) },
  {
    id: 'url/patient-telecom-url',
    family: 'url',
    chart: (c) => void (patientOf(c).telecom = [{ system: 'url', value: SCRIPTS.javascriptUrl }, { system: 'email', value: SCRIPTS.dataUrl }]),
  },
  { id: 'url/identifier-system', family: 'url', chart: (c) => void (patientOf(c).identifier as Json[]).push({ system: SCRIPTS.javascriptUrl, value: 'X1' }, { system: SCRIPTS.dataUrl, value: 'X2' }) },
  { id: 'url/extension-url', family: 'url', chart: (c) => void (patientOf(c).extension = [{ url: SCRIPTS.javascriptUrl, valueUri: SCRIPTS.dataUrl }, { url: SCRIPTS.vbscriptUrl, valueUrl: SCRIPTS.javascriptUrl }]) },
  { id: 'url/meta-source-profile', family: 'url', chart: (c) => void (patientOf(c).meta = { ...(patientOf(c).meta as Json), source: SCRIPTS.javascriptUrl, profile: [SCRIPTS.dataUrl] }) },
  {
    id: 'url/coding-system',
    family: 'url',
    inject: (c) => [allergy(c, 'h-coding-system', { code: { coding: [{ system: SCRIPTS.javascriptUrl, code: SCRIPTS.dataUrl, display: 'Codeine' }] } })],
    shown: { 'ehr-allergy-panel': ['Codeine'] },
  },
  {
    id: 'url/recorder-reference',
    family: 'url',
    inject: (c) => [allergy(c, 'h-recorder-url', { code: { text: 'Ibuprofen' }, recorder: { reference: SCRIPTS.javascriptUrl, display: 'Dr Who' }, asserter: { reference: SCRIPTS.dataUrl } })],
    shown: { 'ehr-allergy-panel': ['Ibuprofen'] },
  },
  {
    id: 'url/medication-reference',
    family: 'url',
    inject: (c) => [order(c, 'h-medication-url', { medicationCodeableConcept: undefined, medicationReference: { reference: SCRIPTS.javascriptUrl, display: 'Lisinopril 10 MG' } })],
    shown: { 'ehr-medication-list': ['Lisinopril 10 MG'] },
  },
  {
    id: 'url/patient-link',
    family: 'url',
    chart: (c) => void (patientOf(c).link = [{ other: { reference: SCRIPTS.javascriptUrl }, type: 'seealso' }, { other: { reference: SCRIPTS.dataUrl }, type: 'replaced-by' }]),
  },
  {
    id: 'url/contact-telecom',
    family: 'url',
    chart: (c) => void (patientOf(c).contact = [{ name: { text: SCRIPTS.img }, telecom: [{ system: 'url', value: SCRIPTS.javascriptUrl }] }]),
  },

  // Bidi overrides.
  {
    id: 'bidi/family-name',
    family: 'bidi',
    chart: (c) => void ((patientOf(c).name as Json[])[0]!.family = `${FAMILY}${RLO}evitca`),
    shown: { 'ehr-patient-banner': [upper(`${FAMILY}${RLO}evitca`)] },
  },
  allergyText('bidi/allergy-unbalanced-isolate', 'bidi', `${LRI}Peanut${LRI}${LRI}`),
  orderText('bidi/medication-override', 'bidi', `Morphine 1${RLO}0 MG`),
  {
    id: 'bidi/identifier-and-status',
    family: 'bidi',
    chart: (c) => void (patientOf(c).identifier as Json[]).unshift({ type: { text: `MRN${RLO}` }, system: 'urn:x', value: `12${RLO}34` }),
    inject: (c) => [order(c, 'h-bidi-status', { status: `act${RLO}ive`, medicationCodeableConcept: { text: 'Digoxin 125 MCG' } })],
    shown: { 'ehr-medication-list': ['Digoxin 125 MCG', `act${RLO}ive`] },
  },
  allergyText('bidi/invisible-characters', 'bidi', `Lat\u200Bex\u200D\u2060${RLO}\u061C`),

  // Prototype keys.
  {
    id: 'prototype/patient-proto-key',
    family: 'prototype',
    chart: (c) => void Object.defineProperty(patientOf(c), '__proto__', { value: { polluted: 'yes', deceasedBoolean: true }, enumerable: true, configurable: true, writable: true }),
  },
  {
    id: 'prototype/allergy-constructor',
    family: 'prototype',
    inject: (c) => [{ ...allergy(c, 'h-constructor', { code: { text: 'Latex gloves' } }), constructor: { prototype: { polluted: 'yes' } } }],
    shown: { 'ehr-allergy-panel': ['Latex gloves'] },
  },
  {
    id: 'prototype/code-values',
    family: 'prototype',
    inject: (c) => [
      allergy(c, 'h-proto-codes', {
        code: { text: 'Shellfish' },
        category: ['__proto__', 'constructor'],
        criticality: 'toString',
        clinicalStatus: { coding: [{ system: ALLERGY_CLINICAL, code: 'hasOwnProperty' }] },
        verificationStatus: { coding: [{ system: ALLERGY_VERIFICATION, code: '__proto__' }] },
        type: 'valueOf',
      }),
    ],
    shown: { 'ehr-allergy-panel': ['Shellfish'] },
  },
  {
    id: 'prototype/medication-status',
    family: 'prototype',
    inject: (c) => [order(c, 'h-proto-status', { status: 'constructor', intent: '__proto__', medicationCodeableConcept: { text: 'Heparin 5000 UNT' } })],
    shown: { 'ehr-medication-list': ['Heparin 5000 UNT'] },
  },
  {
    id: 'prototype/identifier-system',
    family: 'prototype',
    chart: (c) => void (patientOf(c).identifier as Json[]).push({ system: '__proto__', value: 'x' }, { system: 'constructor', value: 'y' }),
  },

  // Strings of 1 MB.
  { id: 'huge-string/family-name', family: 'huge-string', chart: (c) => void ((patientOf(c).name as Json[]).push({ use: 'old', family: ONE_MB })) },
  { id: 'huge-string/allergy-substance', family: 'huge-string', inject: (c) => [allergy(c, 'h-1mb-substance', { code: { text: ONE_MB } })], shown: { 'ehr-allergy-panel': [CUT_1MB] } },
  { id: 'huge-string/dosage-text', family: 'huge-string', inject: (c) => [order(c, 'h-1mb-dosage', { medicationCodeableConcept: { text: 'Atenolol 50 MG' }, dosageInstruction: [{ text: ONE_MB }] })], shown: { 'ehr-medication-list': ['Atenolol 50 MG', CUT_1MB] } },
  { id: 'huge-string/identifier-value', family: 'huge-string', chart: (c) => void (patientOf(c).identifier as Json[]).push({ system: 'urn:x', value: ONE_MB }) },
  { id: 'huge-string/combining-marks', family: 'huge-string', inject: (c) => [allergy(c, 'h-zalgo', { code: { text: `Nut${'\u0301\u0336'.repeat(200_000)}` } })], shown: { 'ehr-allergy-panel': ['(399,003 more characters not shown)'] } },

  // 10,000 reactions or dosages.
  {
    id: 'huge-array/10000-reactions',
    family: 'huge-array',
    inject: (c) => [allergy(c, 'h-10k-reactions', { code: { text: 'Contrast media' }, reaction: many(10_000, (i) => ({ manifestation: [{ text: `Hives ${i}` }], severity: 'moderate' })) })],
    shown: { 'ehr-allergy-panel': ['Contrast media'] },
  },
  {
    id: 'huge-array/10000-manifestations',
    family: 'huge-array',
    inject: (c) => [allergy(c, 'h-10k-manifestations', { code: { text: 'Egg' }, reaction: [{ manifestation: many(10_000, (i) => ({ text: `Rash ${i}` })) }] })],
    shown: { 'ehr-allergy-panel': ['Egg'] },
  },
  {
    id: 'huge-array/10000-dosages',
    family: 'huge-array',
    inject: (c) => [
      order(c, 'h-10k-dosages', {
        medicationCodeableConcept: { text: 'Insulin glargine 100 UNT/ML' },
        dosageInstruction: many(10_000, (i) => ({ sequence: i, doseAndRate: [{ doseQuantity: { value: i, unit: 'U', system: 'http://unitsofmeasure.org', code: '[iU]' } }] })),
      }),
    ],
    shown: { 'ehr-medication-list': ['Insulin glargine 100 UNT/ML'] },
  },
  { id: 'huge-array/10000-names', family: 'huge-array', chart: (c) => void (patientOf(c).name as Json[]).push(...many(10_000, (i) => ({ use: 'old', family: `Alias${i}` }))) },
  { id: 'huge-array/10000-codings', family: 'huge-array', inject: (c) => [allergy(c, 'h-10k-codings', { code: { text: 'Iodine', coding: many(10_000, (i) => ({ system: 'urn:x', code: String(i) })) } })], shown: { 'ehr-allergy-panel': ['Iodine'] } },

  // Nesting 1,000 deep.
  { id: 'nesting/allergy-extension', family: 'nesting', inject: (c) => [allergy(c, 'h-deep-extension', { extension: nested(1000, { url: 'urn:x', valueString: 'bottom' }) })], cut: { refused: 1, codes: ['limit-maxReferenceDepth'] } },
  { id: 'nesting/medication-contained', family: 'nesting', inject: (c) => [order(c, 'h-deep-contained', { contained: [{ resourceType: 'Medication', id: 'm', extension: nested(1000, {}) }] })], cut: { refused: 1, codes: ['limit-maxReferenceDepth'] } },
  { id: 'nesting/arrays-in-note', family: 'nesting', inject: (c) => [allergy(c, 'h-deep-note', { note: nested(1000, 'x', 'text') })], cut: { refused: 1, codes: ['limit-maxReferenceDepth'] } },

  // Wrong JSON types.
  { id: 'wrong-type/reaction-string', family: 'wrong-type', inject: (c) => [allergy(c, 'h-reaction-string', { code: { text: 'Tramadol' }, reaction: 'anaphylaxis' })], shown: { 'ehr-allergy-panel': ['Tramadol'] } },
  { id: 'wrong-type/code-string', family: 'wrong-type', inject: (c) => [allergy(c, 'h-code-string', { code: 'Penicillin V' })] },
  { id: 'wrong-type/manifestation-object-text', family: 'wrong-type', inject: (c) => [allergy(c, 'h-manifestation-object', { code: { text: 'Oxycodone' }, reaction: [{ manifestation: { text: { div: 'x' } } }] })], shown: { 'ehr-allergy-panel': ['Oxycodone'] } },
  // A name that is not a list is not read: the banner says the name is not known rather than
  // guess at a malformed record's identity.
  {
    id: 'wrong-type/patient-name-object',
    family: 'wrong-type',
    chart: (c) => void (patientOf(c).name = { family: FAMILY, given: 'Versie' }),
    shown: { 'ehr-patient-banner': ['Not known'] },
    drops: [upper(FAMILY), 'Versie'],
  },
  { id: 'wrong-type/birthdate-number', family: 'wrong-type', chart: (c) => void (patientOf(c).birthDate = 19_700_101) },
  { id: 'wrong-type/gender-object', family: 'wrong-type', chart: (c) => void (patientOf(c).gender = { code: 'female' }) },
  { id: 'wrong-type/dosage-object', family: 'wrong-type', inject: (c) => [order(c, 'h-dosage-object', { medicationCodeableConcept: { text: 'Prednisone 5 MG' }, dosageInstruction: { text: 'daily' } })], shown: { 'ehr-medication-list': ['Prednisone 5 MG'] } },
  { id: 'wrong-type/status-number', family: 'wrong-type', inject: (c) => [order(c, 'h-status-number', { medicationCodeableConcept: { text: 'Clopidogrel 75 MG' }, status: 1 })], shown: { 'ehr-medication-list': ['Clopidogrel 75 MG'] } },
  { id: 'wrong-type/clinical-status-array', family: 'wrong-type', inject: (c) => [allergy(c, 'h-status-array', { code: { text: 'Morphine' }, clinicalStatus: [{ coding: [{ code: 'active' }] }] })], shown: { 'ehr-allergy-panel': ['Morphine'] } },
  { id: 'wrong-type/codings-with-nulls', family: 'wrong-type', inject: (c) => [allergy(c, 'h-null-codings', { code: { coding: [null, 1, 'x', { display: 'Cefalexin' }] }, category: [null, 7] })], shown: { 'ehr-allergy-panel': ['Cefalexin'] } },
  { id: 'wrong-type/meta-string', family: 'wrong-type', inject: (c) => [allergy(c, 'h-meta-string', { meta: 'v1' })], cut: { codes: ['invalid-entry'] } },
  { id: 'wrong-type/id-number', family: 'wrong-type', inject: (c) => [{ ...allergy(c, 'x'), id: 42 }], cut: { codes: ['invalid-entry'] } },
  { id: 'wrong-type/resource-type-object', family: 'wrong-type', inject: (c) => [{ ...allergy(c, 'h-type-object'), resourceType: { name: 'AllergyIntolerance' } }], cut: { codes: ['invalid-entry'] } },
  { id: 'wrong-type/dose-quantity-string', family: 'wrong-type', inject: (c) => [order(c, 'h-dose-string', { medicationCodeableConcept: { text: 'Levothyroxine 50 MCG' }, dosageInstruction: [{ doseAndRate: [{ doseQuantity: '50 mcg' }] }] })], shown: { 'ehr-medication-list': ['Levothyroxine 50 MCG'] } },

  // Missing required fields.
  { id: 'missing/allergy-patient', family: 'missing', inject: (c) => [allergy(c, 'h-no-patient', { patient: undefined })], cut: { refused: 1 } },
  { id: 'missing/order-subject', family: 'missing', inject: (c) => [order(c, 'h-no-subject', { subject: undefined })], cut: { refused: 1 } },
  { id: 'missing/id', family: 'missing', inject: (c) => [{ ...allergy(c, 'x'), id: undefined }], cut: { codes: ['invalid-entry'] } },
  { id: 'missing/resource-type', family: 'missing', inject: (c) => [{ ...allergy(c, 'h-no-type'), resourceType: undefined }], cut: { codes: ['invalid-entry'] } },
  { id: 'missing/allergy-code', family: 'missing', inject: (c) => [allergy(c, 'h-no-code', { code: undefined })] },
  { id: 'missing/order-medication', family: 'missing', inject: (c) => [order(c, 'h-no-medication', { medicationCodeableConcept: undefined })] },
  { id: 'missing/patient-name-gender-birthdate', family: 'missing', chart: (c) => void ['name', 'gender', 'birthDate'].forEach((k) => delete patientOf(c)[k]), drops: [upper(FAMILY), 'Versie'] },
  { id: 'missing/allergy-statuses', family: 'missing', inject: (c) => [allergy(c, 'h-no-status', { clinicalStatus: undefined, verificationStatus: undefined, code: { text: 'Gelatin' } })], shown: { 'ehr-allergy-panel': ['Gelatin'] } },

  // Impossible dates.
  { id: 'date/birthdate-feb-30', family: 'date', chart: (c) => void (patientOf(c).birthDate = '2023-02-30') },
  { id: 'date/birthdate-future', family: 'date', chart: (c) => void (patientOf(c).birthDate = '2999-01-01') },
  { id: 'date/deceased-before-birth', family: 'date', chart: (c) => void (patientOf(c).deceasedDateTime = '1800-01-01') },
  { id: 'date/onset-words', family: 'date', inject: (c) => [allergy(c, 'h-onset-words', { code: { text: 'Bupivacaine' }, onsetDateTime: 'yesterday', recordedDate: '2024-13-45' })], shown: { 'ehr-allergy-panel': ['Bupivacaine'] } },
  { id: 'date/authored-out-of-range', family: 'date', inject: (c) => [order(c, 'h-bad-authored', { medicationCodeableConcept: { text: 'Furosemide 40 MG' }, authoredOn: '0000-00-00T25:61:61Z' })], shown: { 'ehr-medication-list': ['Furosemide 40 MG'] } },
  { id: 'date/last-updated-garbage', family: 'date', inject: (c) => [allergy(c, 'h-bad-updated', { code: { text: 'Lidocaine' }, meta: { versionId: '1', lastUpdated: 'not a date' } })], shown: { 'ehr-allergy-panel': ['Lidocaine'] } },
  { id: 'date/period-reversed', family: 'date', inject: (c) => [order(c, 'h-period-reversed', { medicationCodeableConcept: { text: 'Omeprazole 20 MG' }, dispenseRequest: { validityPeriod: { start: '2030-01-01', end: '1990-01-01' } }, dosageInstruction: [{ timing: { repeat: { boundsPeriod: { start: '2030-01-01', end: '1990-01-01' } } } }] })], shown: { 'ehr-medication-list': ['Omeprazole 20 MG'] } },

  // Duplicate ids in one page.
  {
    id: 'duplicate/allergy-twice',
    family: 'duplicate',
    inject: (c) => [allergy(c, 'h-twice', { code: { text: 'Tetracycline' }, meta: { versionId: '1' } }), allergy(c, 'h-twice', { code: { text: 'Tetracycline' }, criticality: 'low', meta: { versionId: '2' } })],
    shown: { 'ehr-allergy-panel': ['Tetracycline'] },
  },
  {
    id: 'duplicate/patient-twice-deceased',
    family: 'duplicate',
    inject: (c) => [{ ...patientOf(c), deceasedBoolean: true, meta: { versionId: '1' } }],
  },

  // Transport: sizes and pages (after a first clean sync, so a cached record exists).
  { id: 'transport/200mb-body', family: 'transport', faults: { hugeBody: { match: '$everything', count: 1 } }, cut: { error: 'limit-exceeded' } },
  { id: 'transport/endless-pages', family: 'transport', faults: { endlessPages: { match: '$everything' }, pageSize: { size: 20, match: '$everything' } }, limits: { maxPages: 25 }, cut: { error: 'limit-exceeded' } },
  { id: 'transport/malformed-json', family: 'transport', faults: { malformed: { match: '$everything' } }, cut: { error: 'malformed' } },
  { id: 'transport/dropped-mid-body', family: 'transport', faults: { dropMidBody: { match: '$everything' } } , cut: { error: 'network' } },
  { id: 'transport/redirect-elsewhere', family: 'transport', faults: { redirect: { match: '$everything', location: 'https://attacker.invalid/fhir' } }, cut: { error: 'redirect' } },
  { id: 'transport/next-link-elsewhere', family: 'transport', faults: { nextUrl: { url: 'https://attacker.invalid/fhir/Patient?page=2', match: '$everything' }, pageSize: { size: 20, match: '$everything' } }, cut: { error: 'foreign-link' } },
];
