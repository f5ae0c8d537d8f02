/**
 * Contact details of a Patient for display: addresses, telecom, contacts (next of kin, emergency
 * contacts) and the registered GP. Everything returned is plain text as recorded (trimmed,
 * whitespace collapsed), with stable keys for the element to put into words. Entries that are
 * marked `old` or whose period has ended are left out.
 */
import type { Address, CodeableConcept, ContactPoint, HumanName, Patient, Reference } from 'fhir/r4';
import { conceptText } from './codings.js';
import { formatName, isPeriodCurrent } from './names.js';
import { own } from './lookup.js';

/** HL7 v2 table 0131 (contact role), which R4's Patient.contact.relationship binds to. */
export const V2_0131_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v2-0131';

function clean(s: unknown): string {
  return typeof s === 'string' ? s.replace(/\s+/g, ' ').trim() : '';
}

const atOf = (at: Date | number | undefined): number => (at === undefined ? Date.now() : typeof at === 'number' ? at : at.getTime());

/** An address as one line of text, with its use (`home`, `work`, …) when recorded. */
export interface AddressDisplay {
  readonly text: string;
  readonly use?: string;
}

/**
 * Formats an address: its structured parts (lines, city, district, state, postal code, country)
 * joined with commas; `text` only when there are no parts. `null` when empty.
 */
export function formatAddress(address: Address | undefined | null): string | null {
  if (!address || typeof address !== 'object') return null;
  const parts = [
    ...(Array.isArray(address.line) ? address.line.map(clean) : []),
    clean(address.city),
    clean(address.district),
    [clean(address.state), clean(address.postalCode)].filter(Boolean).join(' '),
    clean(address.country),
  ].filter(Boolean);
  if (parts.length) return parts.join(', ');
  return clean(address.text) || null;
}

/** Current addresses of a patient, in record order (old and ended ones skipped). */
export function currentAddresses(patient: Patient | undefined | null, at?: Date | number): AddressDisplay[] {
  const list = Array.isArray(patient?.address) ? patient!.address! : [];
  const when = atOf(at);
  const out: AddressDisplay[] = [];
  for (const a of list) {
    if (!a || a.use === 'old' || !isPeriodCurrent(a.period, when)) continue;
    const text = formatAddress(a);
    if (text) out.push({ text, ...(a.use ? { use: a.use } : {}) });
  }
  return out;
}

/** One telecom entry. `system`/`use` are FHIR codes (`phone`, `email`…; `home`, `mobile`…). */
export interface TelecomDisplay {
  readonly value: string;
  readonly system?: string;
  readonly use?: string;
}

/**
 * Current telecom entries (phone, email, …), ordered by `rank` (1 first; unranked after, in
 * record order). Old, ended and empty entries are left out.
 */
export function currentTelecom(list: readonly ContactPoint[] | undefined | null, at?: Date | number): TelecomDisplay[] {
  const items = Array.isArray(list) ? list : [];
  const when = atOf(at);
  return items
    .map((t, index) => ({ t, index }))
    .filter(({ t }) => t && t.use !== 'old' && isPeriodCurrent(t.period, when) && clean(t.value))
    .sort((a, b) => (a.t.rank ?? Infinity) - (b.t.rank ?? Infinity) || a.index - b.index)
    .map(({ t }) => ({
      value: clean(t.value),
      ...(t.system ? { system: t.system } : {}),
      ...(t.use ? { use: t.use } : {}),
    }));
}

/** Contact roles the element words itself; others come as recorded text. */
export type ContactRoleKey = 'emergency' | 'next-of-kin' | 'employer' | 'insurance' | 'agency' | 'unknown';

const V2_0131: Readonly<Record<string, ContactRoleKey>> = {
  C: 'emergency',
  N: 'next-of-kin',
  E: 'employer',
  I: 'insurance',
  F: 'agency',
  S: 'agency',
  U: 'unknown',
};

/** A relationship of a contact: a known role key, or the recorded words. */
export interface ContactRole {
  readonly key?: ContactRoleKey;
  readonly text?: string;
}

/** A contact person (or organisation) of the patient. */
export interface ContactDisplay {
  /** Formatted name (`FAMILY, Given`), or the organisation's display; `null` if neither. */
  readonly name: string | null;
  readonly roles: readonly ContactRole[];
  readonly telecom: readonly TelecomDisplay[];
  readonly address: string | null;
}

function roleOf(concept: CodeableConcept | undefined): ContactRole | null {
  const coding = Array.isArray(concept?.coding) ? concept.coding : [];
  const v2 = coding.find((c) => c?.system === V2_0131_SYSTEM && own(V2_0131, c.code) !== undefined);
  if (v2) return { key: own(V2_0131, v2.code)! };
  const text = conceptText(concept);
  return text ? { text } : null;
}

/** Current contacts of a patient (`Patient.contact` whose period is in force). */
export function patientContacts(patient: Patient | undefined | null, at?: Date | number): ContactDisplay[] {
  const list = Array.isArray(patient?.contact) ? patient!.contact! : [];
  const when = atOf(at);
  return list
    .filter((c) => c && typeof c === 'object' && isPeriodCurrent(c.period, when))
    .map((c) => {
      const roles = (Array.isArray(c.relationship) ? c.relationship : []).map(roleOf).filter((r): r is ContactRole => r !== null);
      const name = formatName(c.name as HumanName | undefined) ?? (clean(c.organization?.display) || null);
      return {
        name,
        roles,
        telecom: currentTelecom(c.telecom, when),
        address: formatAddress(c.address),
      };
    })
    .filter((c) => c.name || c.telecom.length || c.address);
}

/** The patient's registered GP(s) / care providers as named in `generalPractitioner[].display`. */
export function generalPractitioners(patient: Patient | undefined | null): string[] {
  const list: Reference[] = Array.isArray(patient?.generalPractitioner) ? patient!.generalPractitioner! : [];
  return list.map((r) => clean(r?.display)).filter(Boolean);
}
