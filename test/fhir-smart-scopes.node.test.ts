import { describe, expect, it } from 'vitest';
import { canReadType, canWriteType, parseResourceScope, permissionsFor, resourceScopes, scopeVersionFor, splitScopes } from '../src/fhir/smart-scopes.js';

describe('SMART scopes', () => {
  it('reads SMART 2 permissions in cruds order, and refuses other orders', () => {
    expect(parseResourceScope('patient/Observation.rs')).toMatchObject({ context: 'patient', type: 'Observation', version: 2, permissions: { read: true, search: true, create: false } });
    expect(parseResourceScope('user/Consent.cruds')?.permissions).toEqual({ create: true, read: true, update: true, delete: true, search: true });
    expect(parseResourceScope('patient/Observation.sr')).toBeUndefined();
    expect(parseResourceScope('patient/Observation.rr')).toBeUndefined();
    expect(parseResourceScope('patient/observation.rs')).toBeUndefined();
    expect(parseResourceScope('openid')).toBeUndefined();
    expect(parseResourceScope('launch/patient')).toBeUndefined();
  });

  it('keeps the query of a narrowed SMART 2 scope and still counts it as read', () => {
    const granted = ['patient/Observation.rs?category=http://terminology.hl7.org/CodeSystem/observation-category|laboratory'];
    expect(parseResourceScope(granted[0]!)?.query).toContain('category=');
    expect(canReadType(granted, 'Observation')).toBe(true);
  });

  it('reads SMART 1 scopes, wildcards included', () => {
    expect(canReadType(['patient/*.read'], 'AllergyIntolerance')).toBe(true);
    expect(canWriteType(['patient/*.read'], 'Consent')).toBe(false);
    expect(canWriteType(['user/Consent.write'], 'Consent')).toBe(true);
    expect(canReadType(['user/Consent.write'], 'Consent')).toBe(false);
    expect(permissionsFor(['patient/*.*'], 'Consent')).toEqual({ create: true, read: true, update: true, delete: true, search: true });
  });

  it('a type no scope names is neither readable nor writable', () => {
    const granted = splitScopes('openid fhirUser launch patient/Patient.rs patient/AllergyIntolerance.rs');
    expect(canReadType(granted, 'AllergyIntolerance')).toBe(true);
    expect(canReadType(granted, 'MedicationRequest')).toBe(false);
    expect(canWriteType(granted, 'Consent')).toBe(false);
    // Read alone, without search, does not let a list be shown.
    expect(canReadType(['patient/Observation.r'], 'Observation')).toBe(false);
  });

  it('writes the request in SMART 2 or SMART 1 syntax', () => {
    const request = { context: 'patient' as const, read: ['Observation', 'Consent'], write: ['Consent'] };
    expect(resourceScopes(request, 2)).toEqual(['patient/Consent.crus', 'patient/Observation.rs']);
    expect(resourceScopes(request, 1)).toEqual(['patient/Consent.read', 'patient/Consent.write', 'patient/Observation.read']);
  });

  it('uses SMART 1 only when the server lists permission-v1 without permission-v2', () => {
    expect(scopeVersionFor({ capabilities: ['permission-v1', 'launch-ehr'] })).toBe(1);
    expect(scopeVersionFor({ capabilities: ['permission-v1', 'permission-v2'] })).toBe(2);
    expect(scopeVersionFor({ capabilities: 'permission-v1' })).toBe(2);
    expect(scopeVersionFor({})).toBe(2);
    expect(scopeVersionFor(undefined)).toBe(2);
  });
});
