/**
 * Queries by main code (issue 8 §4, for the lab timeline): the per-code summary and newest-first
 * windows with a cursor, over a patient's linked records, against the real store on
 * fake-indexeddb with Versie Botsford's Synthea chart (77 Observations) and the hospital's copy
 * of her. Expected answers are worked out here from `search()`, the store's plain read.
 */
import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import type { Observation, Resource } from 'fhir/r4';
import { codesOf } from '../src/store/derive.js';
import { LocalRecordStore, StoreError, type StoredRow } from '../src/store/index.js';
import type { CodeWindow, WindowPosition } from '../src/store/code-queries.js';
import { declareV4, declareV5, type ResourceRow } from '../src/store/schema.js';
import { statsOf, type CodeStatsRow } from '../src/store/code-stats.js';
import { CLINIC_BASE, VERSIE_CLINIC, VERSIE_ID, openWithSources, record, seedTwoSources, servedAll, uniqueName, versie } from './fixtures/store/helpers.js';

const HOSPITAL_PATIENT = 'hosp-7731';
const open: LocalRecordStore[] = [];
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});

const key = (r: StoredRow) => `${r.source}/${r.resource.resourceType}/${r.resource.id}`;
const mainCode = (r: Resource) => codesOf(r)[0] ?? '';

function observation(id: string, patient: string, code: string, date: string | undefined, value = 1): Observation {
  const [system, c] = code.split('|') as [string, string];
  return {
    resourceType: 'Observation',
    id,
    status: 'final',
    code: { coding: [{ system, code: c }] },
    subject: { reference: `Patient/${patient}` },
    ...(date ? { effectiveDateTime: date } : {}),
    valueQuantity: { value, unit: 'mg/dL', system: 'http://unitsofmeasure.org', code: 'mg/dL' },
  };
}

/** Versie at the clinic and, linked by SSN, at the hospital with three newer labs of codes the clinic also has. */
async function arrange() {
  const store = await openWithSources();
  open.push(store);
  await seedTwoSources(store);
  const clinicLabs = (await store.search<Observation>({ patient: VERSIE_CLINIC, type: 'Observation' })).map((r) => r.resource);
  const codes = [...new Set(clinicLabs.map(mainCode))].sort();
  const hospitalLabs = [
    observation('h-1', HOSPITAL_PATIENT, codes[0]!, '2030-01-01T08:00:00Z'),
    observation('h-2', HOSPITAL_PATIENT, codes[0]!, '2030-01-02T08:00:00Z'),
    observation('h-3', HOSPITAL_PATIENT, codes[1]!, '2001-01-01'),
  ];
  await store.applyPage('hospital', { upserts: servedAll(hospitalLabs, 'h1') });
  return { store, codes };
}

/** Newest first: date descending, then source/type/id descending (the stores' index order reversed). */
function newestFirst(rows: StoredRow[]): StoredRow[] {
  const pos = (r: StoredRow) => [(r as { date?: string }).date ?? '', r.source, r.resource.resourceType, r.resource.id!];
  return [...rows].sort((a, b) => {
    const [x, y] = [pos(a), pos(b)];
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i]! < y[i]! ? 1 : -1;
    return 0;
  });
}

/** Every window of `type` (and `code`) from the newest, `limit` at a time. */
async function pageOlder(store: LocalRecordStore, limit: number, code?: string): Promise<CodeWindow[]> {
  const pages: CodeWindow[] = [];
  let before: WindowPosition | undefined;
  for (;;) {
    const w = await store.codeWindow({ patient: VERSIE_CLINIC, type: 'Observation', limit, ...(code !== undefined ? { code } : {}), ...(before ? { before } : {}) });
    pages.push(w);
    if (!w.older) return pages;
    before = w.older;
  }
}

describe('codeSummary', () => {
  it('gives each main code once over the linked records, with its count, newest date and newest row', async () => {
    const { store, codes } = await arrange();
    const all = await store.search<Observation>({ patient: VERSIE_CLINIC, type: 'Observation' });
    const clinicCount = all.filter((r) => r.source === 'clinic').length;
    expect(clinicCount).toBeGreaterThan(3);
    expect(all).toHaveLength(clinicCount + 3);
    const summary = await store.codeSummary(VERSIE_CLINIC, 'Observation');
    expect(summary.map((e) => e.code)).toEqual(codes);
    for (const e of summary) expect(e.count, e.code).toBe(all.filter((r) => mainCode(r.resource) === e.code).length);
    // The hospital's newer labs are the newest of their codes: the union, not the clinic alone.
    const first = summary.find((e) => e.code === codes[0])!;
    expect(key(first.latest)).toBe('hospital/Observation/h-2');
    expect(first.latestDate).toBe('2030-01-02T08:00:00.000Z');
    expect(first.count).toBe(all.filter((r) => mainCode(r.resource) === codes[0]).length);
    // A hospital lab older than the clinic's rows of its code does not become the newest.
    const second = summary.find((e) => e.code === codes[1])!;
    expect(second.latest.source).toBe('clinic');
    expect(summary.reduce((n, e) => n + e.count, 0)).toBe(all.length);
  });

  it('the newest row of each code is what a full read says it is', async () => {
    const { store } = await arrange();
    const all = await store.search<Observation>({ patient: VERSIE_CLINIC, type: 'Observation' });
    for (const e of await store.codeSummary(VERSIE_CLINIC, 'Observation')) {
      const dates = all.filter((r) => mainCode(r.resource) === e.code).map((r) => r.resource.effectiveDateTime ?? '');
      const newest = dates.map((d) => (d ? new Date(d).toISOString() : '')).sort().at(-1);
      expect(e.latestDate, e.code).toBe(newest);
    }
  });

  it('leaves out deleted rows, and rows of other patients and types', async () => {
    const { store, codes } = await arrange();
    const countBefore = (await store.codeSummary(VERSIE_CLINIC, 'Observation')).find((e) => e.code === codes[0])!.count;
    await store.applyPage('hospital', { upserts: [], deletes: [{ type: 'Observation', id: 'h-2' }] });
    await store.applyPage('clinic', { upserts: servedAll([observation('other-1', 'someone-else', codes[0]!, '2040-01-01')]) });
    const first = (await store.codeSummary(VERSIE_CLINIC, 'Observation')).find((e) => e.code === codes[0])!;
    expect(key(first.latest)).toBe('hospital/Observation/h-1');
    expect(first.count).toBe(countBefore - 1);
    expect((await store.codeSummary('clinic/Patient/someone-else', 'Observation')).map((e) => [e.code, e.count])).toEqual([[codes[0], 1]]);
    expect((await store.codeSummary(VERSIE_CLINIC, 'Condition')).map((e) => e.code)).not.toContain(codes[0]);
  });

  it('200 codes over 10,000 rows: one entry per code, counts adding up to 10,000', async () => {
    const store = await openWithSources();
    open.push(store);
    await store.applyPage('clinic', { upserts: servedAll(versie().filter((r) => r.resourceType === 'Patient')) });
    const labs = Array.from({ length: 10_000 }, (_, i) =>
      observation(`bulk-${i}`, VERSIE_ID, `http://loinc.org|${1000 + (i % 200)}-0`, `2020-01-01T00:00:00Z`.replace('01T', `${String(1 + (i % 28)).padStart(2, '0')}T`), i),
    );
    for (let i = 0; i < labs.length; i += 1000) await store.applyPage('clinic', { upserts: servedAll(labs.slice(i, i + 1000)), expectNew: true });
    const summary = await store.codeSummary(VERSIE_CLINIC, 'Observation');
    expect(summary).toHaveLength(200);
    expect(new Set(summary.map((e) => e.count))).toEqual(new Set([50]));
    expect(summary[0]).toMatchObject({ code: 'http://loinc.org|1000-0' });
    // Code 1000-0 holds i = 0, 200, …, 9800, on day 1 + i % 28: the newest is the 25th (i % 28 = 24).
    const newestDay = Math.max(...Array.from({ length: 50 }, (_, k) => 1 + ((200 * k) % 28)));
    expect(newestDay).toBe(25);
    expect(summary[0]!.latestDate.slice(0, 10)).toBe('2020-01-25');
  });

  it('refuses a malformed patient key or type with a StoreError', async () => {
    const { store } = await arrange();
    await expect(store.codeSummary('Patient/1', 'Observation')).rejects.toMatchObject({ code: 'invalid-argument' });
    await expect(store.codeSummary(VERSIE_CLINIC, 'observation?x')).rejects.toBeInstanceOf(StoreError);
  });
});

describe('codeWindow', () => {
  it('pages through every Observation newest first, each row once, and back again with `after`', async () => {
    const { store } = await arrange();
    const all = newestFirst((await store.search({ patient: VERSIE_CLINIC, type: 'Observation' })).map((r) => ({ ...r, date: dateOf(r) })));
    const pages = await pageOlder(store, 2);
    expect(all.length).toBeGreaterThan(6);
    expect(pages.map((p) => p.rows.length)).toEqual([...Array(Math.floor(all.length / 2)).fill(2), ...(all.length % 2 ? [1] : [])]);
    expect(pages.flatMap((p) => p.rows.map(key))).toEqual(all.map(key));
    expect(pages[0]!.newer).toBeUndefined();
    expect(pages.at(-1)!.older).toBeUndefined();
    // Back from the last page: the same windows in reverse (the first one has nothing newer).
    const back: string[][] = [];
    let after = pages.at(-1)!.newer;
    while (after) {
      const w = await store.codeWindow({ patient: VERSIE_CLINIC, type: 'Observation', limit: 2, after });
      back.push(w.rows.map(key));
      after = w.newer;
    }
    expect(back).toEqual(pages.slice(0, -1).reverse().map((p) => p.rows.map(key)));
  });

  it('one code: its rows only, across both records, newest first', async () => {
    const { store, codes } = await arrange();
    const all = await store.search<Observation>({ patient: VERSIE_CLINIC, type: 'Observation' });
    const mine = all.filter((r) => mainCode(r.resource) === codes[0]);
    const pages = await pageOlder(store, 2, codes[0]);
    const keys = pages.flatMap((p) => p.rows.map(key));
    expect(keys.slice(0, 2)).toEqual(['hospital/Observation/h-2', 'hospital/Observation/h-1']);
    expect([...keys].sort()).toEqual(mine.map(key).sort());
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('rows on the same date are neither skipped nor repeated across windows', async () => {
    const store = await openWithSources();
    open.push(store);
    await store.applyPage('clinic', { upserts: servedAll(versie().filter((r) => r.resourceType === 'Patient')) });
    const same = Array.from({ length: 9 }, (_, i) => observation(`tie-${i}`, VERSIE_ID, 'http://loinc.org|2345-7', '2024-05-05T10:00:00Z'));
    const undated = [observation('undated-1', VERSIE_ID, 'http://loinc.org|2345-7', undefined)];
    await store.applyPage('clinic', { upserts: servedAll([...same, ...undated]) });
    const pages = await pageOlder(store, 2, 'http://loinc.org|2345-7');
    expect(pages.flatMap((p) => p.rows.map((r) => r.resource.id))).toEqual(['tie-8', 'tie-7', 'tie-6', 'tie-5', 'tie-4', 'tie-3', 'tie-2', 'tie-1', 'tie-0', 'undated-1']);
  });

  it('refuses a malformed query with a StoreError, and an empty record gives an empty window', async () => {
    const { store } = await arrange();
    for (const limit of [0, 1001, 2.5, Number.NaN]) {
      await expect(store.codeWindow({ patient: VERSIE_CLINIC, type: 'Observation', limit })).rejects.toMatchObject({ code: 'invalid-argument' });
    }
    const pos = { date: '', source: 'clinic', type: 'Observation', id: 'x' };
    await expect(store.codeWindow({ patient: VERSIE_CLINIC, type: 'Observation', limit: 5, before: pos, after: pos })).rejects.toMatchObject({ code: 'invalid-argument' });
    await expect(store.codeWindow({ patient: VERSIE_CLINIC, type: 'Observation', limit: 5, before: { date: 1 } as never })).rejects.toMatchObject({ code: 'invalid-argument' });
    expect(await store.codeWindow({ patient: VERSIE_CLINIC, type: 'Immunization', code: 'urn:none|0', limit: 5 })).toEqual({ rows: [] });
  });
});

describe('live versions', () => {
  it('a live window emits when a row enters it, not when a row older than the window changes', async () => {
    const { store, codes } = await arrange();
    const seen = record(store.liveCodeWindow({ patient: VERSIE_CLINIC, type: 'Observation', code: codes[0], limit: 2 }));
    await seen.until((w) => w.rows.length === 2);
    const before = seen.values.length;
    // Older than every row of the window: the window's answer does not change.
    await store.applyPage('clinic', { upserts: servedAll([observation('old-1', VERSIE_ID, codes[0]!, '1950-01-01')]) });
    // Newer than all: enters the window.
    await store.applyPage('clinic', { upserts: servedAll([observation('new-1', VERSIE_ID, codes[0]!, '2031-01-01')]) });
    const w = await seen.until((x) => x.rows[0]?.resource.id === 'new-1');
    expect(w.rows.map(key)).toEqual(['clinic/Observation/new-1', 'hospital/Observation/h-2']);
    // Exactly one emission for the two writes: the old row changed nothing the window shows.
    expect(seen.values.length).toBe(before + 1);
    seen.sub.unsubscribe();
  });

  it('a live summary emits a new code and a new count', async () => {
    const { store, codes } = await arrange();
    const seen = record(store.liveCodeSummary(VERSIE_CLINIC, 'Observation'));
    await seen.until((s) => s.length === codes.length);
    await store.applyPage('hospital', { upserts: servedAll([observation('h-new', HOSPITAL_PATIENT, 'http://loinc.org|99999-9', '2031-02-02')], 'h1') });
    const s = await seen.until((x) => x.length === codes.length + 1);
    expect(s.find((e) => e.code === 'http://loinc.org|99999-9')).toMatchObject({ count: 1, latestDate: '2031-02-02' });
    seen.sub.unsubscribe();
  });
});

describe('schema v5', () => {
  it('an upgrade from v4 gives stored rows their main code, so the summary finds them', async () => {
    const name = uniqueName('upgrade-v4');
    const v4 = new Dexie(LocalRecordStore.databaseName(name));
    declareV4(v4);
    await v4.open();
    await v4.table('sources').put({ id: 'clinic', baseUrl: CLINIC_BASE, label: 'Riverside Clinic', addedAt: 1 });
    const lab = observation('v4-lab', VERSIE_ID, 'http://loinc.org|2345-7', '2024-01-01');
    const row: ResourceRow = { source: 'clinic', type: 'Observation', id: 'v4-lab', patient: VERSIE_CLINIC, resource: lab, fetchedAt: 1, deleted: 0, date: '2024-01-01', codes: ['http://loinc.org|2345-7'] };
    await v4.table('resources').put(row);
    v4.close();
    const store = await LocalRecordStore.open({ name, linkIdentifierSystems: [] });
    open.push(store);
    expect(await store.codeSummary(VERSIE_CLINIC, 'Observation')).toMatchObject([{ code: 'http://loinc.org|2345-7', count: 1, latestDate: '2024-01-01' }]);
  });
});

/**
 * The per-code statistics as stored, and as a count from scratch over every stored row gives
 * them (read through a second connection to the same database), both sorted.
 */
async function statsNowAndFromScratch(name: string): Promise<{ stored: CodeStatsRow[]; counted: CodeStatsRow[] }> {
  const raw = new Dexie(LocalRecordStore.databaseName(name));
  await raw.open();
  try {
    const id = (r: CodeStatsRow) => JSON.stringify([r.patient, r.type, r.code]);
    const sort = (rows: CodeStatsRow[]) => [...rows].sort((a, b) => (id(a) < id(b) ? -1 : 1));
    return {
      stored: sort(await raw.table<CodeStatsRow>('codeStats').toArray()),
      counted: sort(statsOf(await raw.table<ResourceRow>('resources').toArray())),
    };
  } finally {
    raw.close();
  }
}

describe('schema v6: per-code statistics', () => {
  it('stay equal to a count from scratch after downloads, updates that move a row to another code, deletes, local saves and removals, purges', async () => {
    const name = uniqueName('code-stats');
    const store = await openWithSources({ name });
    open.push(store);
    await seedTwoSources(store);
    const check = async (step: string) => {
      const { stored, counted } = await statsNowAndFromScratch(name);
      expect(counted.length, step).toBeGreaterThan(0);
      expect(stored, step).toEqual(counted);
    };
    await check('downloaded');
    const clinicLabs = (await store.search<Observation>({ patient: VERSIE_CLINIC, type: 'Observation' })).map((r) => r.resource);
    const [a, b] = clinicLabs;
    // A new version of a lab with another code and an older date: it leaves its old code's count.
    await store.applyPage('clinic', { upserts: servedAll([{ ...a!, code: { coding: [{ system: 'http://loinc.org', code: '99999-9' }] }, effectiveDateTime: '1990-01-01' } as Observation], '2') });
    await check('moved to another code');
    // The newest row of a code, written again with an older date: the code's newest is another row.
    const same = 'http://loinc.org|2093-3';
    await store.applyPage('clinic', { upserts: servedAll([observation('n-1', VERSIE_ID, same, '2030-01-01'), observation('n-2', VERSIE_ID, same, '2029-01-01')]) });
    await check('two of one code');
    await store.applyPage('clinic', { upserts: servedAll([observation('n-1', VERSIE_ID, same, '1980-01-01')], '2') });
    await check('newest row made older');
    expect((await store.codeSummary(VERSIE_CLINIC, 'Observation')).find((e) => e.code === same)).toMatchObject({ count: 2, latestDate: '2029-01-01', latest: { resource: { id: 'n-2' } } });
    await store.applyPage('clinic', { upserts: [], deletes: [{ type: 'Observation', id: b!.id! }] });
    await check('deleted at the server');
    await store.save(observation('local-1', VERSIE_ID, 'http://loinc.org|2345-7', '2035-05-05'), { source: 'clinic' });
    await check('saved locally');
    await store.remove('clinic', 'Observation', 'local-1');
    await check('removed locally');
    await store.purge({ patient: VERSIE_CLINIC, force: true });
    await store.applyPage('clinic', { upserts: servedAll([observation('other-1', 'someone-else', 'http://loinc.org|2345-7', '2040-01-01')]) });
    await store.purge({ patient: VERSIE_CLINIC, force: true });
    // Her rows are gone from the statistics; the other patient's stay.
    await check('purged one patient');
    expect((await statsNowAndFromScratch(name)).stored.map((r) => r.patient)).toEqual(['clinic/Patient/someone-else']);
    await store.purge({ force: true });
    const { stored } = await statsNowAndFromScratch(name);
    expect(stored).toEqual([]);
  });

  it('an upgrade from v5 counts the rows already stored, and the summary reads them', async () => {
    const name = uniqueName('upgrade-v5');
    const v5 = new Dexie(LocalRecordStore.databaseName(name));
    declareV5(v5);
    await v5.open();
    await v5.table('sources').put({ id: 'clinic', baseUrl: CLINIC_BASE, label: 'Riverside Clinic', addedAt: 1 });
    const rows: ResourceRow[] = ['2024-01-01', '2024-03-01', '2024-02-01'].map((date, i) => ({
      source: 'clinic', type: 'Observation', id: `v5-${i}`, patient: VERSIE_CLINIC, resource: observation(`v5-${i}`, VERSIE_ID, 'http://loinc.org|2345-7', date),
      fetchedAt: 1, deleted: 0, date, codes: ['http://loinc.org|2345-7'], code: 'http://loinc.org|2345-7',
    }));
    // A tombstone counts for nothing.
    rows.push({ ...rows[0]!, id: 'v5-gone', deleted: 1, date: '2030-01-01' });
    await v5.table('resources').bulkPut(rows);
    v5.close();
    const store = await LocalRecordStore.open({ name, linkIdentifierSystems: [] });
    open.push(store);
    expect(await store.codeSummary(VERSIE_CLINIC, 'Observation')).toMatchObject([{ code: 'http://loinc.org|2345-7', count: 3, latestDate: '2024-03-01', latest: { resource: { id: 'v5-1' } } }]);
    const { stored, counted } = await statsNowAndFromScratch(name);
    expect(stored).toEqual(counted);
  });
});

/** The store's normalized clinical date of a row's resource (as the index holds it). */
function dateOf(r: StoredRow): string {
  const d = (r.resource as Observation).effectiveDateTime;
  return d ? (/T/.test(d) ? new Date(d).toISOString() : d) : '';
}

describe('codes the index keeps', () => {
  it('an over-long system is not indexed as a system-less code, and at most 50 codings of one resource are indexed', () => {
    const long = { resourceType: 'Observation', id: 'x', status: 'final', code: { coding: [{ system: `urn:${'x'.repeat(2000)}`, code: '1' }, { code: '1' }] } } as Observation;
    expect(codesOf(long)).toEqual(['|1']);
    const many = { resourceType: 'Observation', id: 'y', status: 'final', code: { coding: Array.from({ length: 10_000 }, (_, i) => ({ system: 'urn:x', code: String(i) })) } } as Observation;
    expect(codesOf(many)).toHaveLength(50);
    expect(codesOf(many)[0]).toBe('urn:x|0');
  });
});
