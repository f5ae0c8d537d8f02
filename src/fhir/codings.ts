/**
 * Code systems, display text for CodeableConcepts, and concept matching.
 */
import type { CodeableConcept, Coding } from 'fhir/r4';
import { streamSafe } from './unicode.js';
import { own } from './lookup.js';

/** Well-known code system URIs. */
export const SYSTEMS = {
  SNOMED_CT: 'http://snomed.info/sct',
  LOINC: 'http://loinc.org',
  RXNORM: 'http://www.nlm.nih.gov/research/umls/rxnorm',
  ATC: 'http://www.whocc.no/atc',
  NDC: 'http://hl7.org/fhir/sid/ndc',
  UCUM: 'http://unitsofmeasure.org',
  ICD_10: 'http://hl7.org/fhir/sid/icd-10',
  ICD_10_CM: 'http://hl7.org/fhir/sid/icd-10-cm',
  CVX: 'http://hl7.org/fhir/sid/cvx',
  DMD: 'https://dmd.nhs.uk',
  V2_0203: 'http://terminology.hl7.org/CodeSystem/v2-0203',
  V3_INTERPRETATION: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation',
  V2_0078: 'http://terminology.hl7.org/CodeSystem/v2-0078',
  ALLERGY_CLINICAL: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical',
  ALLERGY_VERIFICATION: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification',
  CONDITION_CLINICAL: 'http://terminology.hl7.org/CodeSystem/condition-clinical',
  CONDITION_VERIFICATION: 'http://terminology.hl7.org/CodeSystem/condition-ver-status',
  OBSERVATION_CATEGORY: 'http://terminology.hl7.org/CodeSystem/observation-category',
  DATA_ABSENT_REASON: 'http://terminology.hl7.org/CodeSystem/data-absent-reason',
  TIMING_ABBREVIATION: 'http://terminology.hl7.org/CodeSystem/v3-GTSAbbreviation',
} as const;

/** Other spellings of the same systems seen in real data (OIDs, trailing slashes, http/https). */
const SYSTEM_ALIASES: Readonly<Record<string, string>> = {
  'urn:oid:2.16.840.1.113883.6.96': SYSTEMS.SNOMED_CT,
  'https://snomed.info/sct': SYSTEMS.SNOMED_CT,
  'urn:oid:2.16.840.1.113883.6.1': SYSTEMS.LOINC,
  'https://loinc.org': SYSTEMS.LOINC,
  'urn:oid:2.16.840.1.113883.6.88': SYSTEMS.RXNORM,
  'https://www.nlm.nih.gov/research/umls/rxnorm': SYSTEMS.RXNORM,
  'urn:oid:2.16.840.1.113883.6.73': SYSTEMS.ATC,
  'https://www.whocc.no/atc': SYSTEMS.ATC,
  'urn:oid:2.16.840.1.113883.6.69': SYSTEMS.NDC,
  'urn:oid:2.16.840.1.113883.6.8': SYSTEMS.UCUM,
  'urn:oid:2.16.840.1.113883.12.292': SYSTEMS.CVX,
};

/** Human short names of well-known systems (product names, not translated). */
const SHORT_NAMES: Readonly<Record<string, string>> = {
  [SYSTEMS.SNOMED_CT]: 'SNOMED CT',
  [SYSTEMS.LOINC]: 'LOINC',
  [SYSTEMS.RXNORM]: 'RxNorm',
  [SYSTEMS.ATC]: 'ATC',
  [SYSTEMS.NDC]: 'NDC',
  [SYSTEMS.UCUM]: 'UCUM',
  [SYSTEMS.ICD_10]: 'ICD-10',
  [SYSTEMS.ICD_10_CM]: 'ICD-10-CM',
  [SYSTEMS.CVX]: 'CVX',
  [SYSTEMS.DMD]: 'dm+d',
};

/** The canonical spelling of a code system URI (trims, drops a trailing slash, maps OIDs). */
export function canonicalSystem(system: unknown): string | undefined {
  if (typeof system !== 'string') return undefined;
  const s = system.trim().replace(/\/+$/, '');
  if (!s) return undefined;
  return own(SYSTEM_ALIASES, s) ?? s;
}

/** The short name of a well-known system (`SNOMED CT`, `RxNorm` …), or `undefined`. */
export function systemShortName(system: unknown): string | undefined {
  const s = canonicalSystem(system);
  return s ? own(SHORT_NAMES, s) : undefined;
}

function clean(s: unknown): string {
  return typeof s === 'string' ? s.replace(/\s+/g, ' ').trim() : '';
}

function codingsOf(cc: CodeableConcept | undefined | null): Coding[] {
  return cc && typeof cc === 'object' && Array.isArray(cc.coding) ? cc.coding.filter((c) => c && typeof c === 'object') : [];
}

/** Options for {@link conceptText}. */
export interface ConceptTextOptions {
  /** Systems whose display to prefer, best first (e.g. SNOMED CT before a local code system). */
  readonly preferredSystems?: readonly string[];
}

/**
 * Display text for a CodeableConcept: its `text`; else the display of a coding from the
 * preferred systems (in order); else the first coding display; else a code with its system's
 * short name (`227493005 (SNOMED CT)`), or the bare code for an unknown system — never a system
 * URI. Returns `null` when there is nothing to show.
 */
export function conceptText(cc: CodeableConcept | undefined | null, options: ConceptTextOptions = {}): string | null {
  if (!cc || typeof cc !== 'object') return null;
  const text = clean(cc.text);
  if (text) return text;
  const codings = codingsOf(cc);
  for (const system of options.preferredSystems ?? []) {
    const want = canonicalSystem(system);
    const hit = codings.find((c) => canonicalSystem(c.system) === want && clean(c.display));
    if (hit) return clean(hit.display);
  }
  const withDisplay = codings.find((c) => clean(c.display));
  if (withDisplay) return clean(withDisplay.display);
  const withCode = codings.find((c) => clean(c.code));
  if (!withCode) return null;
  const short = systemShortName(withCode.system);
  return short ? `${clean(withCode.code)} (${short})` : clean(withCode.code);
}

/** Display text of a single Coding (display, else code with system short name); `null` if empty. */
export function codingText(coding: Coding | undefined | null): string | null {
  return coding ? conceptText({ coding: [coding] }) : null;
}

/** `system|code` with the canonical system, or `undefined` when either is missing. */
export function codingKey(coding: Coding | undefined | null): string | undefined {
  const system = canonicalSystem(coding?.system);
  const code = clean(coding?.code);
  return system && code ? `${system}|${code}` : undefined;
}

/** All `system|code` keys of a concept (see {@link codingKey}). */
export function conceptKeys(cc: CodeableConcept | undefined | null): string[] {
  return codingsOf(cc)
    .map(codingKey)
    .filter((k): k is string => k !== undefined);
}

/** The first coding of a concept in a system (aliases accepted), or `undefined`. */
export function findCoding(cc: CodeableConcept | undefined | null, system: string): Coding | undefined {
  const want = canonicalSystem(system);
  return codingsOf(cc).find((c) => canonicalSystem(c.system) === want);
}

/** Whether a concept has a coding with this system and code. */
export function hasCoding(cc: CodeableConcept | undefined | null, system: string, code: string): boolean {
  const want = `${canonicalSystem(system)}|${code}`;
  return conceptKeys(cc).includes(want);
}

/**
 * Whether two concepts share at least one coding (same canonical system and same code).
 * Text alone never makes two concepts the same here; see {@link normalizeConceptName}.
 */
export function sameConcept(a: CodeableConcept | undefined | null, b: CodeableConcept | undefined | null): boolean {
  const keys = new Set(conceptKeys(a));
  return conceptKeys(b).some((k) => keys.has(k));
}

/**
 * A name reduced for loose matching: lower case, accents removed, punctuation turned into
 * spaces, whitespace collapsed (`"Acetaminophen  325 MG / oxyCODONE"` →
 * `"acetaminophen 325 mg oxycodone"`). Returns `''` for non-strings.
 */
export function normalizeConceptName(text: unknown): string {
  if (typeof text !== 'string') return '';
  return streamSafe(text)
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}
