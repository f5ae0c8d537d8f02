// The demo's patient list follows `next` links under the sync engine's rule (resolveSourceLink):
// never to another origin (it would carry the user's credentials there), never round in a loop.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bundle, Patient } from 'fhir/r4';
import { startFhirServer, type FhirServer } from '../demo/fhir-server/server.mjs';
import { fetchPatients } from '../demo/app/patient-list.js';
import { groupPeople, searchPeople } from '../demo/app/people.js';
import { loadSampleData } from '../demo/data/load.mjs';

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

describe('demo patient list: one row per person', () => {
  const bases = [
    { id: 'clinic', label: 'Riverside Clinic', url: 'http://127.0.0.1:1/clinic/fhir' },
    { id: 'hospital', label: 'St Elsewhere Hospital', url: 'http://127.0.0.1:1/hospital/fhir' },
  ];
  async function sampleRows() {
    const data = await loadSampleData();
    const rows = data.bases.flatMap((b) =>
      (b.resources as unknown as Patient[]).filter((r) => r.resourceType === 'Patient').map((patient) => ({ base: bases.find((x) => x.id === b.id)!, patient })),
    );
    return { rows, linkSystems: data.linkIdentifierSystems as string[] };
  }

  it('joins each sample patient’s clinic and hospital records into one person, by the store’s linking rule', async () => {
    const { rows, linkSystems } = await sampleRows();
    const people = groupPeople(rows, linkSystems, bases);
    expect(people.flatMap((p) => p.records).length).toBe(rows.length);
    const clinicCount = rows.filter((r) => r.base.id === 'clinic').length;
    expect(people.length).toBe(clinicCount);
    const casper = people.find((p) => p.name.startsWith('CASPER'))!;
    expect(casper.records.map((r) => r.base.id)).toEqual(['clinic', 'hospital']);
    expect(casper.main.base.id).toBe('clinic');
    expect(casper.deceased).toBe(true);
    expect(casper.name).toBe('CASPER, Parker (Mr)');
    expect(people.find((p) => p.name.startsWith('JORDANA'))!.records.map((r) => r.base.id)).toEqual(['clinic']);
    // Sorted by name.
    const names = people.map((p) => p.name);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
  });

  it('keeps two records apart when they share an SSN but disagree on the birth date (a person must decide)', async () => {
    const { rows, linkSystems } = await sampleRows();
    const edited = rows.map((r) =>
      r.base.id === 'hospital' && r.patient.name?.[0]?.family === 'Botsford' ? { ...r, patient: { ...r.patient, birthDate: '2018-05-23' } } : r,
    );
    const people = groupPeople(edited, linkSystems, bases);
    const versies = people.filter((p) => p.name.startsWith('BOTSFORD'));
    expect(versies.map((p) => p.records.map((r) => r.base.id))).toEqual([['clinic'], ['hospital']]);
  });

  it('finds people by name words in any order and by any identifier, separators and case ignored', async () => {
    const { rows, linkSystems } = await sampleRows();
    const people = groupPeople(rows, linkSystems, bases);
    expect(searchPeople(people, 'versie BOTSFORD').map((p) => p.name)).toEqual(['BOTSFORD, Versie']);
    expect(searchPeople(people, '999 69 1123').map((p) => p.name)).toEqual(['BOTSFORD, Versie']);
    expect(searchPeople(people, 'abc-1234').map((p) => p.name)).toEqual(['JORDANA, Patricia']);
    expect(searchPeople(people, '   ').length).toBe(people.length);
    // Hostile queries are text, not patterns.
    for (const q of ['.*', '(', '\\', '[a-z]+', '\u202Eevil', 'x'.repeat(100_000)]) expect(() => searchPeople(people, q)).not.toThrow();
    expect(searchPeople(people, '.*').length).toBe(0);
  });

  it('tolerates records of any shape: no name, no identifiers, hostile values', () => {
    const hostile = [
      { base: bases[0]!, patient: { resourceType: 'Patient', id: 'a' } as Patient },
      { base: bases[0]!, patient: { resourceType: 'Patient', id: 'b', identifier: [null, { system: 'http://hl7.org/fhir/sid/us-ssn', value: 42 }], name: [null] } as unknown as Patient },
      { base: bases[1]!, patient: { resourceType: 'Patient', id: 'c', name: [{ family: '<img src=x onerror=alert(1)>' }] } as Patient },
    ];
    const people = groupPeople(hostile, ['http://hl7.org/fhir/sid/us-ssn'], bases);
    expect(people.length).toBe(3);
    expect(people.find((p) => p.key === 'hospital/c')!.name).toBe('<IMG SRC=X ONERROR=ALERT(1)>');
  });
});
