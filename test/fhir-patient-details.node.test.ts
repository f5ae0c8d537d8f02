import { describe, expect, it } from 'vitest';
import type { Patient } from 'fhir/r4';
import { currentAddresses, currentTelecom, formatAddress, generalPractitioners, patientContacts } from '../src/fhir/patient-details.js';
import { HOSTILE_STRINGS } from './fhir-fixtures.js';

const chalmers: Patient = {
  resourceType: 'Patient',
  telecom: [
    { system: 'phone', value: '(03) 5555 6473', use: 'work', rank: 1 },
    { system: 'phone', value: '(03) 3410 5613', use: 'mobile', rank: 2 },
    { system: 'phone', value: '(03) 5555 8834', use: 'old', period: { end: '2014' } },
  ],
  address: [
    { use: 'home', text: '534 Erewhon St PeasantVille, Utah 84414', line: ['534 Erewhon St'], city: 'PleasantVille', district: 'Rainbow', state: 'UT', postalCode: '84414' },
    { use: 'old', line: ['1 Old Road'] },
  ],
  contact: [
    {
      relationship: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0131', code: 'N' }] }],
      name: { family: 'du Marché', given: ['Bénédicte'] },
      telecom: [{ system: 'phone', value: '+33 (237) 998327' }],
    },
    { relationship: [{ text: 'Aunt' }], name: { family: 'Doe', given: ['Jane'] } },
    { relationship: [{ text: 'Ex' }], name: { family: 'Gone' }, period: { end: '2001' } },
  ],
  generalPractitioner: [{ reference: 'Practitioner/1', display: 'Dr Adam Careful' }, { reference: 'Organization/2' }],
};

describe('patient contact details', () => {
  it('addresses: structured parts joined, old ones left out', () => {
    expect(currentAddresses(chalmers)).toEqual([{ text: '534 Erewhon St, PleasantVille, Rainbow, UT 84414', use: 'home' }]);
    expect(formatAddress({ text: '  Only  text ' })).toBe('Only text');
    expect(formatAddress({})).toBeNull();
  });

  it('telecom: by rank, old and ended numbers left out', () => {
    expect(currentTelecom(chalmers.telecom).map((t) => t.value)).toEqual(['(03) 5555 6473', '(03) 3410 5613']);
    expect(currentTelecom(chalmers.telecom)[1]).toEqual({ value: '(03) 3410 5613', system: 'phone', use: 'mobile' });
  });

  it('contacts: next of kin as a role key, other relationships as recorded words, ended ones left out', () => {
    const contacts = patientContacts(chalmers);
    expect(contacts).toHaveLength(2);
    expect(contacts[0]).toEqual({
      name: 'DU MARCHÉ, Bénédicte',
      roles: [{ key: 'next-of-kin' }],
      telecom: [{ value: '+33 (237) 998327', system: 'phone' }],
      address: null,
    });
    expect(contacts[1]!.roles).toEqual([{ text: 'Aunt' }]);
  });

  it('GP: named references only', () => {
    expect(generalPractitioners(chalmers)).toEqual(['Dr Adam Careful']);
    expect(generalPractitioners({ resourceType: 'Patient' })).toEqual([]);
  });

  it('hostile values never throw and stay text', () => {
    for (const s of HOSTILE_STRINGS) {
      const p = { resourceType: 'Patient', address: [{ line: [s], city: s }], telecom: [{ value: s, rank: s }], contact: [{ name: s, relationship: s }] } as unknown as Patient;
      expect(() => [currentAddresses(p), currentTelecom(p.telecom), patientContacts(p), generalPractitioners(p)]).not.toThrow();
    }
  });
});
