/**
 * Recording and revoking consents.
 *
 * A new consent follows IHE Privacy Consent on FHIR (PCF) "basic"/"intermediate": scope
 * `patient-privacy`, category LOINC 59284-0 (patient consent), the patient, a policy URI or a
 * `policyRule` (invariant ppc-1), the organization that holds it, and one provision: permit
 * sharing with a named organization for a purpose (default treatment, v3 ActReason TREAT) for a
 * period, with nested denies for data classes the patient excludes. Who recorded it is a
 * Provenance written with it (agent = the current user), as is who changed its status.
 *
 * Status changes allowed (anything else is refused with a message):
 *
 * | from | to |
 * |---|---|
 * | draft | active, entered-in-error |
 * | proposed | active, rejected |
 * | active | inactive, entered-in-error |
 */
import type { Consent, ConsentProvision, Provenance, Reference } from 'fhir/r4';

export const CONSENT_SCOPE = 'http://terminology.hl7.org/CodeSystem/consentscope';
export const ACT_CODE = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';
export const ACT_REASON = 'http://terminology.hl7.org/CodeSystem/v3-ActReason';
export const RESOURCE_TYPES = 'http://hl7.org/fhir/resource-types';
export const PARTICIPATION = 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType';

/** What a new "share with this organization" consent needs. */
export interface ShareConsentInput {
  /** `Patient/<id>` at the source the consent is saved to. */
  patient?: Reference;
  /** The organization the record is shared with. */
  recipient?: Reference;
  /** The organization that keeps the consent (the host's own). */
  custodian?: Reference;
  /** Purpose-of-use code (v3 ActReason); default `TREAT`. */
  purpose?: string;
  /** `YYYY-MM-DD`. */
  start?: string;
  end?: string;
  /** Resource types not shared (`MedicationRequest` …). */
  exclude?: string[];
  /** A policy URI the consent is made under; without it `policyRule` OPTIN is recorded. */
  policyUri?: string;
  /** Who records it (the current user): becomes the Provenance's author. */
  author?: Reference;
  /** When it is recorded (ISO instant). */
  now: string;
}

/** A problem with a consent, tied to the field a form shows it at. */
export interface ConsentProblem {
  field: 'patient' | 'recipient' | 'purpose' | 'start' | 'end' | 'policy' | 'author' | 'scope' | 'status';
  code: string;
  message: string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Checks the input of a new consent (before anything is built). */
export function validateShareConsent(input: ShareConsentInput): ConsentProblem[] {
  const problems: ConsentProblem[] = [];
  if (!input.patient?.reference) problems.push({ field: 'patient', code: 'patient-missing', message: 'A consent needs the patient it is about.' });
  if (!input.recipient?.reference && !input.recipient?.display) problems.push({ field: 'recipient', code: 'recipient-missing', message: 'Name the organization the record is shared with.' });
  if (input.purpose !== undefined && !/^[A-Za-z][A-Za-z0-9_-]{0,39}$/.test(input.purpose)) problems.push({ field: 'purpose', code: 'purpose-invalid', message: 'Choose a purpose of use.' });
  if (!input.start || !DAY.test(input.start)) problems.push({ field: 'start', code: 'start-missing', message: 'Give the date the consent starts.' });
  if (input.end && !DAY.test(input.end)) problems.push({ field: 'end', code: 'end-invalid', message: 'The end date must be a date.' });
  if (input.start && input.end && DAY.test(input.start) && DAY.test(input.end) && input.end < input.start) problems.push({ field: 'end', code: 'end-before-start', message: 'The consent cannot end before it starts.' });
  if (input.policyUri !== undefined && input.policyUri !== '' && !/^(https?|urn):\S+$/.test(input.policyUri)) problems.push({ field: 'policy', code: 'policy-invalid', message: 'The policy must be a URI.' });
  if (!input.author?.reference && !input.author?.display) problems.push({ field: 'author', code: 'author-missing', message: 'The current user is not known, so the consent cannot be recorded.' });
  return problems;
}

/** Checks a Consent against ppc-1/ppc-2 and the kit's own rules (for any consent about to be saved). */
export function validateConsent(c: Consent): ConsentProblem[] {
  const problems: ConsentProblem[] = [];
  const scope = c.scope?.coding?.find((x) => x.system === CONSENT_SCOPE)?.code;
  if (!scope) problems.push({ field: 'scope', code: 'scope-missing', message: 'A consent needs a scope.' });
  if (!c.policy?.length && !c.policyRule) problems.push({ field: 'policy', code: 'ppc-1', message: 'A consent needs a policy or a policy rule (ppc-1).' });
  if (scope === 'patient-privacy' && !c.patient?.reference) problems.push({ field: 'patient', code: 'ppc-2', message: 'A privacy consent needs the patient (ppc-2).' });
  const p = c.provision?.period;
  if (p?.start && p?.end && p.end < p.start) problems.push({ field: 'end', code: 'end-before-start', message: 'The consent cannot end before it starts.' });
  return problems;
}

/** Builds the consent and its Provenance (throws a list of problems as an error when the input is invalid). */
export function buildShareConsent(input: ShareConsentInput, id: string): { consent: Consent; provenance: Provenance } {
  const problems = validateShareConsent(input);
  if (problems.length) throw new ConsentError(problems);
  const purpose = input.purpose ?? 'TREAT';
  const provision: ConsentProvision = {
    type: 'permit',
    period: { start: input.start!, ...(input.end ? { end: input.end } : {}) },
    actor: [{ role: { coding: [{ system: PARTICIPATION, code: 'IRCP', display: 'information recipient' }] }, reference: input.recipient! }],
    action: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentaction', code: 'access' }] }],
    purpose: [{ system: ACT_REASON, code: purpose }],
    ...(input.exclude?.length
      ? { provision: [{ type: 'deny', class: [...new Set(input.exclude)].map((code) => ({ system: RESOURCE_TYPES, code })) }] }
      : {}),
  };
  const consent: Consent = {
    resourceType: 'Consent',
    id,
    status: 'active',
    scope: { coding: [{ system: CONSENT_SCOPE, code: 'patient-privacy' }] },
    category: [{ coding: [{ system: 'http://loinc.org', code: '59284-0', display: 'Patient Consent' }] }],
    patient: input.patient!,
    dateTime: input.now,
    ...(input.custodian ? { organization: [input.custodian] } : {}),
    ...(input.policyUri ? { policy: [{ uri: input.policyUri }] } : { policyRule: { coding: [{ system: ACT_CODE, code: 'OPTIN' }] } }),
    provision,
  };
  return { consent, provenance: provenanceFor(consent, input.author!, input.now, 'CREATE') };
}

/** Allowed status changes (see the module comment). */
export const STATUS_CHANGES: Readonly<Record<string, readonly string[]>> = {
  draft: ['active', 'entered-in-error'],
  proposed: ['active', 'rejected'],
  active: ['inactive', 'entered-in-error'],
};

/** A consent that cannot be saved or changed; `problems` say why. */
export class ConsentError extends Error {
  override readonly name = 'ConsentError';
  constructor(readonly problems: ConsentProblem[]) {
    super(problems.map((p) => p.message).join(' '));
  }
}

/**
 * The consent with its status changed, and the Provenance recording who did it and when
 * (revoking is `active → inactive`). Throws {@link ConsentError} for a change the table refuses.
 */
export function changeConsentStatus(c: Consent, to: string, who: Reference, now: string): { consent: Consent; provenance: Provenance } {
  const from = c.status ?? 'unknown';
  if (!(STATUS_CHANGES[from] ?? []).includes(to)) {
    throw new ConsentError([{ field: 'status', code: 'status-change-refused', message: `A consent that is ${from} cannot be made ${to}.` }]);
  }
  if (!who?.reference && !who?.display) throw new ConsentError([{ field: 'author', code: 'author-missing', message: 'The current user is not known, so the change cannot be recorded.' }]);
  const consent = { ...structuredClone(c), status: to as Consent['status'] };
  return { consent, provenance: provenanceFor(consent, who, now, 'UPDATE', to === 'inactive' ? 'Consent revoked' : `Consent status changed from ${from} to ${to}`) };
}

function provenanceFor(c: Consent, who: Reference, now: string, op: 'CREATE' | 'UPDATE', text?: string): Provenance {
  const version = c.meta?.versionId;
  return {
    resourceType: 'Provenance',
    target: [{ reference: `Consent/${c.id}${version ? `/_history/${version}` : ''}` }],
    recorded: now,
    activity: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-DataOperation', code: op }], ...(text ? { text } : {}) },
    agent: [{ type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/provenance-participant-type', code: 'author' }] }, who }],
  };
}
