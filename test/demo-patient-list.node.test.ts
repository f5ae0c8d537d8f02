// The demo's patient list follows `next` links under the sync engine's rule (resolveSourceLink):
// never to another origin (it would carry the user's credentials there), never round in a loop.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bundle, Patient } from 'fhir/r4';
import { startFhirServer, type FhirServer } from '../demo/fhir-server/server.mjs';
import { fetchPatients } from '../demo/app/patient-list.js';

const patients: Patient[] = Array.from({ length: 130 }, (_, i) => ({ resourceType: 'Patient', id: `p-${i}`, name: [{ family: `F${i}` }] }));
let srv: FhirServer;

beforeAll(async () => {
  srv = await startFhirServer({ port: 0, bases: [{ id: 'clinic', resources: patients }] });
});
afterAll(async () => {
  await srv.close();
});

const base = () => ({ id: 'clinic', label: 'Riverside Clinic', url: srv.baseUrl('clinic') });

/** A scripted server (a mock: the real one never sends hostile links) answering from `pages`. */
function scripted(pages: (url: string) => Bundle): { fetch: typeof fetch; asked: string[] } {
  const asked: string[] = [];
  const f = (async (input: string | URL | Request) => {
    const url = String(input);
    asked.push(url);
    return new Response(JSON.stringify(pages(url)), { status: 200, headers: { 'content-type': 'application/fhir+json' } });
  }) as typeof fetch;
  return { fetch: f, asked };
}
const page = (ids: string[], next?: string): Bundle => ({
  resourceType: 'Bundle',
  type: 'searchset',
  entry: ids.map((id) => ({ resource: { resourceType: 'Patient', id } })),
  ...(next ? { link: [{ relation: 'next', url: next }] } : {}),
});

describe('demo patient list', () => {
  it('reads every page of the real server (130 patients, pages of 100)', async () => {
    srv.base('clinic').clearRequests();
    const rows = await fetchPatients(base());
    expect(rows.map((r) => r.patient.id).sort()).toEqual(patients.map((p) => p.id).sort());
    expect(srv.base('clinic').requests).toHaveLength(2);
  });

  it('does not follow a next link to another origin, and says so', async () => {
    const b = base();
    const mock = scripted((url) => (url.startsWith(b.url) ? page(['a'], 'http://evil.example/fhir/Patient?page=2') : page(['stolen'])));
    await expect(fetchPatients(b, mock.fetch)).rejects.toThrow('the server linked to another site (http://evil.example); not followed');
    expect(mock.asked).toEqual([`${b.url}/Patient?_count=100`]);
  });

  it('does not follow a next link to another base on the same server (the real server sends one), and says so', async () => {
    const other = `${srv.url}/other/fhir/Patient?_count=100`;
    srv.base('clinic').faults.set({ nextUrl: { url: other } });
    srv.base('clinic').clearRequests();
    try {
      await expect(fetchPatients(base())).rejects.toThrow(`the server linked outside its base URL (${srv.url}/other/fhir/Patient); not followed`);
      expect(srv.base('clinic').requests.map((r) => r.url)).toEqual(['/clinic/fhir/Patient?_count=100']);
    } finally {
      srv.base('clinic').faults.reset();
    }
  });

  it('stops when a next link leads back to a page already read', async () => {
    const b = base();
    const mock = scripted((url) => (url.endsWith('page=2') ? page(['b'], `${b.url}/Patient?_count=100`) : page(['a'], `${b.url}/Patient?page=2`)));
    await expect(fetchPatients(b, mock.fetch)).rejects.toThrow('the server linked back to a page already read; stopped');
    expect(mock.asked).toEqual([`${b.url}/Patient?_count=100`, `${b.url}/Patient?page=2`]);
  });
});
