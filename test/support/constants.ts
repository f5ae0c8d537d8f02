/**
 * Facts about the sample data (demo/data) that tests rely on, in one place.
 */

/** The identifier system the sample data links patients by (US Social Security Number). */
export const SSN = 'http://hl7.org/fhir/sid/us-ssn';

/** SSNs of sample patients held by both the clinic and the hospital. */
export const SAMPLE_SSN = {
  versie: '999-69-1123',
  dustin: '999-61-9797',
  parker: '999-40-9332',
  neva: '999-13-2345',
} as const;

/** Clinic-side ids of sample patients (`clinic/Patient/<id>`); the hospital's copy is `h-<id>`. */
export const SAMPLE_CLINIC_ID = {
  versie: '8a6f7e61-55dc-4dc3-bf12-b3531b690b05',
  /** Only at the clinic: the hospital has no record of her. */
  patricia: 'd174bd1a-b368-41e6-83a2-af77f2b3c60f',
} as const;
