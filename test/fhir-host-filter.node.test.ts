import { describe, expect, it } from 'vitest';
import type { Bundle, MedicationRequest, Observation, Resource } from 'fhir/r4';
import { compileHostFilter, HostFilterError } from '../src/fhir/host-filter.js';
import { loadSampleData } from '../demo/data/load.mjs';

async function clinic(type: string): Promise<Resource[]> {
  const data = await loadSampleData();
  return (data.bases.find((b) => b.id === 'clinic')!.resources as unknown as Resource[]).filter((r) => r.resourceType === type);
}

describe('host filters (FHIRPath, loaded on first use)', () => {
  it('keeps only what the expression says is true, on the sample data', async () => {
    const meds = (await clinic('MedicationRequest')) as MedicationRequest[];
    const filter = await compileHostFilter("status = 'active'");
    const result = filter.apply(meds, (m) => m);
    expect(result.total).toBe(meds.length);
    expect(result.kept.length).toBe(meds.filter((m) => m.status === 'active').length);
    expect(result.kept.length).toBeGreaterThan(0);
    expect(result.kept.length).toBeLessThan(meds.length);
    expect(result.failed).toBe(0);
  });

  it('keeps vital signs out of a list of observations', async () => {
    const obs = (await clinic('Observation')) as Observation[];
    const filter = await compileHostFilter("category.coding.where(code = 'vital-signs').empty()");
    const kept = filter.apply(obs, (o) => o).kept;
    expect(kept.some((o) => o.category?.some((c) => c.coding?.some((x) => x.code === 'vital-signs')))).toBe(false);
    expect(kept.length).toBeGreaterThan(0);
  });

  it('never changes the resource it evaluates', async () => {
    const [m] = (await clinic('MedicationRequest')) as MedicationRequest[];
    const before = JSON.stringify(m);
    (await compileHostFilter('medicationCodeableConcept.coding.exists()')).test(m!);
    expect(JSON.stringify(m)).toBe(before);
  });

  it('names the attribute when the expression cannot be used', async () => {
    await expect(compileHostFilter('status = ', 'filter')).rejects.toThrow(HostFilterError);
    await expect(compileHostFilter('status = ', 'filter')).rejects.toThrow(/^filter: not a valid FHIRPath expression/);
    await expect(compileHostFilter('', 'group-by')).rejects.toThrow(/^group-by: an empty expression/);
    await expect(compileHostFilter('x'.repeat(3000))).rejects.toThrow(/longer than 2000/);
    await expect(compileHostFilter(42 as unknown as string)).rejects.toThrow(HostFilterError);
  });

  it('keeps, and counts, a resource the expression fails on: a filter never hides a record by accident', async () => {
    // A function applied to more than one item fails at run time on resources with several codings.
    const filter = await compileHostFilter("code.coding.code = '1' and (code.coding.single().code = 'x')");
    const many: Resource = { resourceType: 'Observation', status: 'final', code: { coding: [{ code: '1' }, { code: '2' }] } } as Observation;
    const one: Resource = { resourceType: 'Observation', status: 'final', code: { coding: [{ code: '3' }] } } as Observation;
    const result = filter.apply([many, one], (r) => r);
    expect(result.failed).toBe(1);
    expect(result.kept).toEqual([many]);
  });

  it('treats record data as data: hostile strings and prototype keys', async () => {
    const filter = await compileHostFilter("status = 'active'");
    const hostile = { resourceType: 'MedicationRequest', status: '__proto__', constructor: 'x', intent: 'order' } as unknown as Resource;
    expect(filter.test(hostile)).toBe(false);
    const bundle: Bundle = { resourceType: 'Bundle', type: 'collection' };
    expect(filter.test(bundle)).toBe(false);
  });
});
