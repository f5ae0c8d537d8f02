import { describe, expect, inject, it } from 'vitest';
import type { Bundle, CapabilityStatement, Patient } from 'fhir/r4';
import { clearFaults, createServerBase, requestLog, setFaults } from './support/browser-sync.js';

// Runs in Chromium on the test runner's own origin: every call below is cross-origin, so these
// pass only when the local FHIR server answers CORS (preflight included) as a browser needs.
const server = inject('fhirUrl');

describe('local FHIR server seen from a browser', () => {
  it('answers metadata and a patient search across origins', async () => {
    const meta = (await (await fetch(`${server}/clinic/fhir/metadata`)).json()) as CapabilityStatement;
    expect(meta.resourceType).toBe('CapabilityStatement');
    expect(meta.fhirVersion).toBe('4.0.1');
    const res = await fetch(`${server}/hospital/fhir/Patient?_count=2`, {
      headers: { Accept: 'application/fhir+json', 'Cache-Control': 'no-cache' },
    });
    expect(res.status).toBe(200);
    const bundle = (await res.json()) as Bundle<Patient>;
    expect(bundle.entry?.length).toBe(2);
    expect(bundle.link?.some((l) => l.relation === 'next')).toBe(true);
  });

  it('lets a browser read ETag and update with If-Match (preflighted request)', async () => {
    const search = (await (await fetch(`${server}/clinic/fhir/Patient?_count=1`)).json()) as Bundle<Patient>;
    const patient = search.entry![0]!.resource!;
    const read = await fetch(`${server}/clinic/fhir/Patient/${patient.id}`);
    const etag = read.headers.get('ETag');
    expect(etag).toMatch(/^W\/"/);
    const stale = await fetch(`${server}/clinic/fhir/Patient/${patient.id}`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/fhir+json', 'If-Match': 'W/"not-the-current-version"' },
      body: JSON.stringify(patient),
    });
    expect(stale.status).toBe(412);
  });

  it('refuses /__admin without the token; the browser-sync helpers send it', async () => {
    const bare = await fetch(`${server}/__admin/clinic/requests`);
    expect(bare.status).toBe(401);
    // A base of this test's own, so its faults touch no other test file.
    const url = await createServerBase('cors-admin', [{ resourceType: 'Patient', id: 'a-1' }]);
    await setFaults('cors-admin', { errors: { status: 503 } });
    expect((await fetch(`${url}/Patient/a-1`)).status).toBe(503);
    await clearFaults('cors-admin');
    expect((await fetch(`${url}/Patient/a-1`)).status).toBe(200);
    expect((await requestLog('cors-admin')).map((r) => r.status)).toEqual([503, 200]);
  });
});
