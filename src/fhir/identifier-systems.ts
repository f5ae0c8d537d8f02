/**
 * Well-known national patient identifier systems, so that an identifier recorded without a
 * `type` can still be labelled by what it is (`NHI ABC1234`) instead of a bare "ID".
 *
 * Kept deliberately small: only systems whose URI is published by the country's own naming
 * authority or its HL7 affiliate. `identifierLabel` (identifiers.ts) still decides first: a
 * recorded type (text, display or a known v2-0203 code) always wins over this table.
 */
import type { Identifier } from 'fhir/r4';
import { NHS_NUMBER_SYSTEM, US_SSN_SYSTEM, identifierIssuer, identifierLabel, type IdentifierLabelKey } from './identifiers.js';

/** Stable keys for the national systems; the element layer turns them into words. */
export type NationalIdentifierKey = 'nhs-number' | 'nz-nhi' | 'us-ssn' | 'au-ihi' | 'ca-on-hcn' | 'ca-bc-phn';

/** One national identifier system. */
export interface NationalIdentifierSystem {
  readonly key: NationalIdentifierKey;
  /** The system URI to write in `Identifier.system`. */
  readonly system: string;
  /** Other URIs seen for the same system (e.g. its `urn:oid:` form). */
  readonly aliases: readonly string[];
  /** ISO 3166 country (and subdivision) that issues it. */
  readonly jurisdiction: string;
  /** Short English label, as clinicians there say it. */
  readonly label: string;
}

/** New Zealand National Health Index number. */
export const NZ_NHI_SYSTEM = 'https://standards.digital.health.nz/ns/nhi-id';
/** Australian Individual Healthcare Identifier. */
export const AU_IHI_SYSTEM = 'http://ns.electronichealth.net.au/id/hi/ihi/1.0';
/** Ontario health card number (Canada Health Infoway naming system). */
export const CA_ON_HCN_SYSTEM = 'https://fhir.infoway-inforoute.ca/NamingSystem/ca-on-patient-hcn';
/** British Columbia Personal Health Number (Canada Health Infoway naming system). */
export const CA_BC_PHN_SYSTEM = 'https://fhir.infoway-inforoute.ca/NamingSystem/ca-bc-patient-healthcare-id';

/** The table, in no particular order. */
export const NATIONAL_IDENTIFIER_SYSTEMS: readonly NationalIdentifierSystem[] = [
  { key: 'nhs-number', system: NHS_NUMBER_SYSTEM, aliases: ['urn:oid:2.16.840.1.113883.2.1.4.1'], jurisdiction: 'GB', label: 'NHS No.' },
  { key: 'nz-nhi', system: NZ_NHI_SYSTEM, aliases: [], jurisdiction: 'NZ', label: 'NHI' },
  { key: 'us-ssn', system: US_SSN_SYSTEM, aliases: ['urn:oid:2.16.840.1.113883.4.1'], jurisdiction: 'US', label: 'SSN' },
  { key: 'au-ihi', system: AU_IHI_SYSTEM, aliases: ['urn:oid:1.2.36.1.2001.1003.0'], jurisdiction: 'AU', label: 'IHI' },
  { key: 'ca-on-hcn', system: CA_ON_HCN_SYSTEM, aliases: [], jurisdiction: 'CA-ON', label: 'HCN' },
  { key: 'ca-bc-phn', system: CA_BC_PHN_SYSTEM, aliases: [], jurisdiction: 'CA-BC', label: 'PHN' },
];

const BY_URI = new Map<string, NationalIdentifierSystem>();
for (const entry of NATIONAL_IDENTIFIER_SYSTEMS) {
  for (const uri of [entry.system, ...entry.aliases]) BY_URI.set(uri, entry);
}

/**
 * The national system an identifier system URI names, or `undefined`. The URI is matched
 * exactly (after trimming surrounding whitespace): system URIs are case-sensitive and a near
 * miss is a different system.
 */
export function nationalIdentifierSystem(system: unknown): NationalIdentifierSystem | undefined {
  if (typeof system !== 'string') return undefined;
  return BY_URI.get(system.trim());
}

/**
 * What to call an identifier on screen, as a key for the element layer's words:
 * - `type`: a known type (`MRN`, `NHS No.`, `SSN` …, from `identifierLabel`);
 * - `recorded`: the type's own recorded words, for a type the kit does not know;
 * - `national`: no type, but a well-known national system (`NHI`, `IHI` …);
 * - `issuer`: none of these — named by who issued it: the assigner's display when recorded
 *   (`issuer`), else the caller names the provider the record came from. Never a bare "ID"
 *   when something better is known, and never a system URI.
 */
export type IdentifierCaption =
  | { readonly kind: 'type'; readonly key: Exclude<IdentifierLabelKey, 'identifier'> }
  | { readonly kind: 'recorded'; readonly text: string }
  | { readonly kind: 'national'; readonly key: NationalIdentifierKey }
  | { readonly kind: 'issuer'; readonly issuer?: string };

/** The caption of an identifier (see {@link IdentifierCaption}). */
export function identifierCaption(identifier: Identifier | undefined): IdentifierCaption {
  const label = identifierLabel(identifier);
  if (label.key !== 'identifier') return { kind: 'type', key: label.key };
  if (label.text) return { kind: 'recorded', text: label.text };
  const national = nationalIdentifierSystem(identifier?.system);
  if (national) return { kind: 'national', key: national.key };
  const issuer = identifierIssuer(identifier);
  return issuer ? { kind: 'issuer', issuer } : { kind: 'issuer' };
}
