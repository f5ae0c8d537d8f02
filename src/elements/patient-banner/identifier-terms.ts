import type { TermKey } from '../base/localize/localize.js';
import type { IdentifierLabelKey } from '../../fhir/identifiers.js';
import type { NationalIdentifierKey } from '../../fhir/identifier-systems.js';

/** The localized label of each identifier type key (`src/fhir/identifiers.ts`). */
export const IDENTIFIER_TERMS: Record<IdentifierLabelKey, TermKey> = {
  'nhs-number': 'bannerIdNhs',
  mrn: 'bannerIdMrn',
  ssn: 'bannerIdSsn',
  'driver-licence': 'bannerIdDriverLicence',
  passport: 'bannerIdPassport',
  'national-health-number': 'bannerIdHealthNumber',
  'national-person-id': 'bannerIdNationalId',
  'member-number': 'bannerIdMember',
  'patient-internal-id': 'bannerIdPatientId',
  'patient-external-id': 'bannerIdExternalId',
  'account-number': 'bannerIdAccount',
  'tax-id': 'bannerIdTax',
  identifier: 'bannerIdGeneric',
};

/** Labels for well-known national systems, used when the identifier has no recorded type. */
export const NATIONAL_ID_TERMS: Record<NationalIdentifierKey, TermKey> = {
  'nhs-number': 'bannerIdNhs',
  'nz-nhi': 'bannerIdNzNhi',
  'us-ssn': 'bannerIdSsn',
  'au-ihi': 'bannerIdAuIhi',
  'ca-on-hcn': 'bannerIdCaOnHcn',
  'ca-bc-phn': 'bannerIdCaBcPhn',
};
