import { describe, expect, it } from 'vitest';
import {
  AU_IHI_SYSTEM,
  CA_BC_PHN_SYSTEM,
  CA_ON_HCN_SYSTEM,
  NATIONAL_IDENTIFIER_SYSTEMS,
  NZ_NHI_SYSTEM,
  identifierCaption,
  nationalIdentifierSystem,
} from '../src/fhir/identifier-systems.js';
import { NHS_NUMBER_SYSTEM, US_SSN_SYSTEM } from '../src/fhir/identifiers.js';
import { HOSTILE_STRINGS } from './fhir-fixtures.js';

describe('national identifier systems', () => {
  it('knows the NZ NHI, US SSN, Australian IHI, NHS number and Canadian provincial numbers', () => {
    expect(nationalIdentifierSystem(NZ_NHI_SYSTEM)).toMatchObject({ key: 'nz-nhi', label: 'NHI', jurisdiction: 'NZ' });
    expect(nationalIdentifierSystem(US_SSN_SYSTEM)).toMatchObject({ key: 'us-ssn', label: 'SSN' });
    expect(nationalIdentifierSystem(AU_IHI_SYSTEM)).toMatchObject({ key: 'au-ihi', label: 'IHI' });
    expect(nationalIdentifierSystem(NHS_NUMBER_SYSTEM)).toMatchObject({ key: 'nhs-number', label: 'NHS No.' });
    expect(nationalIdentifierSystem(CA_ON_HCN_SYSTEM)).toMatchObject({ key: 'ca-on-hcn', jurisdiction: 'CA-ON' });
    expect(nationalIdentifierSystem(CA_BC_PHN_SYSTEM)).toMatchObject({ key: 'ca-bc-phn', label: 'PHN' });
  });

  it('uses the published URIs', () => {
    expect(NZ_NHI_SYSTEM).toBe('https://standards.digital.health.nz/ns/nhi-id');
    expect(AU_IHI_SYSTEM).toBe('http://ns.electronichealth.net.au/id/hi/ihi/1.0');
  });

  it('accepts the OID forms of a system', () => {
    expect(nationalIdentifierSystem('urn:oid:2.16.840.1.113883.4.1')?.key).toBe('us-ssn');
    expect(nationalIdentifierSystem('urn:oid:1.2.36.1.2001.1003.0')?.key).toBe('au-ihi');
  });

  it('matches exactly (after trimming): a near miss is another system', () => {
    expect(nationalIdentifierSystem(` ${NZ_NHI_SYSTEM} `)?.key).toBe('nz-nhi');
    expect(nationalIdentifierSystem(NZ_NHI_SYSTEM.toUpperCase())).toBeUndefined();
    expect(nationalIdentifierSystem(`${NZ_NHI_SYSTEM}/`)).toBeUndefined();
    expect(nationalIdentifierSystem('http://hospital.smarthealthit.org')).toBeUndefined();
  });

  it('returns undefined for missing, non-string and hostile input', () => {
    for (const v of [undefined, null, 42, {}, [], '']) expect(nationalIdentifierSystem(v)).toBeUndefined();
    for (const s of HOSTILE_STRINGS) expect(nationalIdentifierSystem(s)).toBeUndefined();
  });

  it('has one entry per key and no URI twice', () => {
    const keys = NATIONAL_IDENTIFIER_SYSTEMS.map((s) => s.key);
    expect(new Set(keys).size).toBe(keys.length);
    const uris = NATIONAL_IDENTIFIER_SYSTEMS.flatMap((s) => [s.system, ...s.aliases]);
    expect(new Set(uris).size).toBe(uris.length);
  });
});

describe('identifierCaption', () => {
  it('names an identifier by type, recorded type words, national system, then issuer — never a URI', () => {
    const mr = { system: 'urn:x', value: '1', type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR' }] } };
    expect(identifierCaption(mr)).toEqual({ kind: 'type', key: 'mrn' });
    expect(identifierCaption({ system: 'urn:x', value: '1', type: { text: 'Clinic number' } })).toEqual({ kind: 'recorded', text: 'Clinic number' });
    expect(identifierCaption({ system: 'https://standards.digital.health.nz/ns/nhi-id', value: 'ABC1234' })).toEqual({ kind: 'national', key: 'nz-nhi' });
    expect(identifierCaption({ system: 'urn:oid:1.2.3', value: '9', assigner: { display: 'Acme Healthcare' } })).toEqual({ kind: 'issuer', issuer: 'Acme Healthcare' });
    expect(identifierCaption({ system: 'urn:oid:1.2.3', value: '9', type: { text: 'urn:oid:9.9' } })).toEqual({ kind: 'issuer' });
    expect(identifierCaption(undefined)).toEqual({ kind: 'issuer' });
  });
});
