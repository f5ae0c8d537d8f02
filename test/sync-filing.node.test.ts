/**
 * The download filing rule (`fileDownloaded`): a source speaks only about its own patients, and
 * only about those the sync asked it for. Pure function, no server.
 */
import type { Resource } from 'fhir/r4';
import { describe, expect, test } from 'vitest';
import { fileDownloaded } from '../src/store/compartment.js';

const clinic = { id: 'clinic', baseUrl: 'http://127.0.0.1:1/clinic/fhir' };
const hospital = { id: 'hospital', baseUrl: 'http://127.0.0.1:1/hospital/fhir/' };
const sources = [clinic, hospital];
const asked = new Set(['clinic/Patient/1']);

const allergy = (patient: string, extra: Record<string, unknown> = {}): Resource =>
  ({ resourceType: 'AllergyIntolerance', id: 'a', patient: { reference: patient }, ...extra }) as Resource;

describe('fileDownloaded', () => {
  test('files a relative or own-absolute reference to a patient asked for under that patient', () => {
    expect(fileDownloaded(allergy('Patient/1'), clinic, sources, asked)).toEqual({ patient: 'clinic/Patient/1' });
    expect(fileDownloaded(allergy(`${clinic.baseUrl}/Patient/1`), clinic, sources, asked)).toEqual({ patient: 'clinic/Patient/1' });
    expect(fileDownloaded(allergy(`${clinic.baseUrl}/Patient/1/_history/3`), clinic, sources, asked)).toEqual({ patient: 'clinic/Patient/1' });
  });

  test("refuses a reference to another registered source's patient, whatever the trailing slash", () => {
    expect(fileDownloaded(allergy('http://127.0.0.1:1/hospital/fhir/Patient/456'), clinic, sources, asked)).toEqual({
      refused: 'refused-foreign-patient',
      reason: 'clinic sent AllergyIntolerance/a about hospital/Patient/456, a patient of another source',
    });
  });

  test('refuses a reference to a server that is no registered source (no proxy-name guess)', () => {
    expect(fileDownloaded(allergy('https://elsewhere.example/fhir/Patient/1'), clinic, sources, asked)).toEqual({
      refused: 'refused-foreign-patient',
      reason: 'clinic sent AllergyIntolerance/a about a patient on a server that is not a registered source',
    });
  });

  test('refuses a patient of the same source that this sync did not ask for', () => {
    expect(fileDownloaded(allergy('Patient/2'), clinic, sources, asked)).toEqual({
      refused: 'refused-foreign-patient',
      reason: 'clinic sent AllergyIntolerance/a about clinic/Patient/2, which this sync did not ask for',
    });
  });

  test('the owning element decides: a later Patient reference (asserter) does not move the row', () => {
    const r = allergy('Patient/1', { asserter: { reference: 'http://127.0.0.1:1/hospital/fhir/Patient/456' } });
    expect(fileDownloaded(r, clinic, sources, asked)).toEqual({ patient: 'clinic/Patient/1' });
  });

  test('stores only the Patients asked for', () => {
    const patient = (id: string) => ({ resourceType: 'Patient', id }) as Resource;
    expect(fileDownloaded(patient('1'), clinic, sources, asked)).toEqual({ patient: 'clinic/Patient/1' });
    expect(fileDownloaded(patient('2'), clinic, sources, asked)).toEqual({
      refused: 'refused-unrequested-patient',
      reason: 'clinic sent Patient/2, which this sync did not ask for',
    });
  });

  test('shared resources and types outside the patient compartment are filed under no patient', () => {
    const med = { resourceType: 'Medication', id: 'm', subject: { reference: 'http://127.0.0.1:1/hospital/fhir/Patient/456' } } as unknown as Resource;
    expect(fileDownloaded(med, clinic, sources, asked)).toEqual({ patient: '' });
    const questionnaire = { resourceType: 'Questionnaire', id: 'q', status: 'active' } as Resource;
    expect(fileDownloaded(questionnaire, clinic, sources, asked)).toEqual({ patient: '' });
  });

  test('a patient-compartment resource that names no patient (missing, or a Group) is refused: no chart would show it', () => {
    const groupObs = { resourceType: 'Observation', id: 'o', subject: { reference: 'Group/g' } } as Resource;
    expect(fileDownloaded(groupObs, clinic, sources, asked)).toEqual({ refused: 'refused-no-patient', reason: 'clinic sent Observation/o, which names no patient' });
    const orphan = { resourceType: 'AllergyIntolerance', id: 'a' } as Resource;
    expect(fileDownloaded(orphan, clinic, sources, asked)).toMatchObject({ refused: 'refused-no-patient' });
  });
});
