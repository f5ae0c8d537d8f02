/**
 * Applying downloaded pages: upserts, tombstones, links and the checkpoint of one page in ONE
 * transaction, and what the sync engine reads back (checkpoints, id lists).
 *
 * Each function is the work of the `LocalRecordStore` method of the same name; the facade adds the
 * closed check and the mapping of errors to `StoreError` (its JSDoc is the contract).
 */
import { Dexie } from 'dexie';
import type { Patient, Resource } from 'fhir/r4';
import { fileDownloaded, isFhirId } from './compartment.js';
import { BY_PATIENT, type StoreContext } from './context.js';
import { linkRowFor } from './links.js';
import { buildRow, isOlder, keyString, tombstoneRow } from './rows.js';
import type { LinkRow, ResourceRow } from './schema.js';
import { requireSource } from './sources.js';
import type { ApplyPageResult, CheckpointRecord, DownloadPage, PatientKey } from './types.js';
import { assertResource, RESOURCE_TYPE } from './validation.js';

/** Applies one downloaded page atomically (see `LocalRecordStore.applyPage` for the rules). */
export async function applyPage(ctx: Pick<StoreContext, 'db'>, source: string, page: DownloadPage): Promise<ApplyPageResult> {
  const result: ApplyPageResult = { written: 0, skipped: 0, deleted: 0, held: 0, invalid: 0, refused: 0 };
  const fetchedAt = page.fetchedAt ?? Date.now();
  const tables = [ctx.db.resources, ctx.db.links, ctx.db.checkpoints, ctx.db.sources];
  await ctx.db.transaction('rw', tables, async () => {
    const sources = await requireSource(ctx.db, source, 'applyPage');
    const own = sources.find((s) => s.id === source)!;
    const asked = page.patients ? new Set(page.patients) : undefined;
    // One read of every row the page touches and one write of everything that changes,
    // instead of a get and a put per resource: in Chromium each awaited IndexedDB request
    // is a round trip to the browser process, and those round trips, not the writes, were
    // most of a download's time. `current` stands in for the table while the page is
    // worked out, so a resource listed twice in one page (several history versions) is
    // judged against its own earlier entry exactly as row-by-row writes would be.
    const upserts: Resource[] = [];
    // Each resource's row is worked out here, once: one that cannot be indexed (server data of
    // any shape) is counted invalid on its own instead of failing the whole page.
    const rowOf = new Map<Resource, ResourceRow>();
    for (const resource of page.upserts ?? []) {
      try {
        assertResource(resource, true);
        rowOf.set(resource, buildRow(source, resource, sources, fetchedAt));
      } catch {
        result.invalid++;
        continue;
      }
      if (asked && 'refused' in fileDownloaded(resource, own, sources, asked)) result.refused++;
      else upserts.push(resource);
    }
    const deletes: NonNullable<DownloadPage['deletes']> = [];
    for (const del of page.deletes ?? []) {
      if (!del || typeof del.type !== 'string' || !RESOURCE_TYPE.test(del.type) || !isFhirId(del.id)) result.invalid++;
      else deletes.push(del);
    }
    const keyOf = (type: string, id: string) => keyString(source, type, id);

    // Insert-first (`page.expectNew`, a first download): a resource listed once in the page
    // (and not among its deletes) is written with `add`, which IndexedDB refuses with a
    // ConstraintError, writing nothing, when the key is already stored. Only those refused
    // are then read and judged like any other, so for new rows the read round trips are
    // saved and the outcome is exactly that of reading first.
    const added = new Map<string, ResourceRow>();
    if (page.expectNew) {
      const listed = new Map<string, number>();
      for (const k of [...upserts.map((r) => keyOf(r.resourceType, r.id!)), ...deletes.map((d) => keyOf(d.type, d.id))]) {
        listed.set(k, (listed.get(k) ?? 0) + 1);
      }
      const rows = upserts
        .filter((r) => listed.get(keyOf(r.resourceType, r.id!)) === 1)
        .map((r) => rowOf.get(r)!);
      let refused: Record<number, unknown> = {};
      if (rows.length) {
        try {
          await ctx.db.resources.bulkAdd(rows);
        } catch (error) {
          // Caught, the refused adds do not abort the transaction; anything else than
          // "key exists" (quota, ...) is rethrown and rolls the page back. (On localhost,
          // Dexie's debug mode console.trace()s the BulkError anyway; it is handled.)
          const byPos = (error as { name?: string; failuresByPos?: Record<number, unknown> }).failuresByPos;
          const onlyExisting =
            (error as { name?: string }).name === 'BulkError' &&
            !!byPos &&
            Object.values(byPos).every((e) => (e as { name?: string } | undefined)?.name === 'ConstraintError');
          if (!onlyExisting) throw error;
          refused = byPos!;
        }
      }
      rows.forEach((row, i) => {
        if (i in refused) return;
        added.set(keyOf(row.type, row.id), row);
        result.written++;
      });
    }

    const keys: Array<[string, string, string]> = [
      ...upserts.filter((r) => !added.has(keyOf(r.resourceType, r.id!))).map((r) => [source, r.resourceType, r.id!] as [string, string, string]),
      ...deletes.map((d) => [source, d.type, d.id] as [string, string, string]),
    ];
    const found = keys.length ? await ctx.db.resources.bulkGet(keys) : [];
    const current = new Map<string, ResourceRow | undefined>();
    keys.forEach(([, type, id], i) => {
      const k = keyString(source, type, id);
      if (!current.has(k)) current.set(k, found[i]);
    });
    const changed = new Map<string, ResourceRow>();
    const write = (row: ResourceRow) => {
      const k = keyString(source, row.type, row.id);
      current.set(k, row);
      changed.set(k, row);
    };

    for (const resource of upserts) {
      if (added.has(keyOf(resource.resourceType, resource.id!))) continue;
      const versionId = resource.meta?.versionId;
      const lastUpdated = resource.meta?.lastUpdated;
      const existing = current.get(keyString(source, resource.resourceType, resource.id!));
      if (existing?.local) {
        const known = existing.server ?? { versionId: existing.versionId, lastUpdated: existing.lastUpdated };
        if ((versionId && known.versionId === versionId) || isOlder(lastUpdated, known.lastUpdated)) {
          result.skipped++;
          continue;
        }
        const server = { resource, ...(versionId ? { versionId } : {}), ...(lastUpdated ? { lastUpdated } : {}) };
        write({ ...existing, server });
        result.held++;
        continue;
      }
      if (existing && ((versionId && existing.versionId === versionId) || isOlder(lastUpdated, existing.lastUpdated))) {
        result.skipped++;
        continue;
      }
      write(rowOf.get(resource)!);
      result.written++;
    }
    for (const del of deletes) {
      const existing = current.get(keyString(source, del.type, del.id));
      if (existing?.local) {
        const known = existing.server ?? { versionId: existing.versionId, lastUpdated: existing.lastUpdated };
        if ((del.versionId && known.versionId === del.versionId) || isOlder(del.at, known.lastUpdated)) {
          result.skipped++;
          continue;
        }
        const server = { resource: null, ...(del.versionId ? { versionId: del.versionId } : {}), ...(del.at ? { lastUpdated: del.at } : {}) };
        write({ ...existing, server });
        result.held++;
        continue;
      }
      if (
        existing &&
        ((existing.deleted && (!del.versionId || existing.versionId === del.versionId)) ||
          (del.versionId && existing.versionId === del.versionId) ||
          isOlder(del.at, existing.lastUpdated))
      ) {
        result.skipped++;
        continue;
      }
      const row = tombstoneRow(source, del.type, del.id, existing, fetchedAt);
      if (del.versionId) row.versionId = del.versionId;
      if (del.at) row.lastUpdated = del.at;
      write(row);
      result.deleted++;
    }

    if (changed.size) await ctx.db.resources.bulkPut([...changed.values()]);
    // Links follow the final state of each Patient row written (held server versions do
    // not change the row's resource, so they leave links alone, as before).
    const linkPuts: LinkRow[] = [];
    const linkDeletes: string[] = [];
    for (const row of [...added.values(), ...changed.values()]) {
      if (row.type !== 'Patient' || row.local) continue;
      if (row.deleted) linkDeletes.push(`${row.source}/Patient/${row.id}`);
      else linkPuts.push(linkRowFor(row.resource as Patient, row.source));
    }
    if (linkDeletes.length) await ctx.db.links.bulkDelete(linkDeletes);
    if (linkPuts.length) await ctx.db.links.bulkPut(linkPuts);
    if (page.checkpoint) {
      const { key, value, data, patient } = page.checkpoint;
      const record: CheckpointRecord = { source, key, value, savedAt: Date.now() };
      if (data !== undefined) record.data = data;
      if (patient) record.patient = patient;
      await ctx.db.checkpoints.put(record);
    }
  });
  return result;
}

/** The whole checkpoint record (value, strategy data, patient tag). */
export async function getCheckpointRecord(ctx: Pick<StoreContext, 'db'>, source: string, key: string): Promise<CheckpointRecord | undefined> {
  return ctx.db.checkpoints.get([source, key]);
}

/** Ids of the live server rows of `type` in `source` filed under `patientKey` (see `LocalRecordStore.localIds`). */
export async function localIds(ctx: Pick<StoreContext, 'db'>, source: string, type: string, patientKey: PatientKey): Promise<string[]> {
  return ctx.db.transaction('r', [ctx.db.resources, ctx.db.outbox], async () => {
    // Keys only (no row is read or deserialized): the index range of live rows (deleted 0)
    // gives source, type and id. Rows with a local write pending or in conflict are the ones
    // with outbox entries (save/remove add one, completeWrite/resolveConflict clear `local`
    // with the last one), so they are left out by the outbox, which is small.
    const keys = await ctx.db.resources
      .where(BY_PATIENT)
      .between([patientKey, type, 0, Dexie.minKey], [patientKey, type, 0, Dexie.maxKey], true, true)
      .primaryKeys();
    const entries = await ctx.db.outbox.where('source').equals(source).toArray();
    const held = new Set(entries.filter((e) => e.type === type).map((e) => e.id));
    return keys
      .filter(([s, , id]) => s === source && !held.has(id))
      .map(([, , id]) => id)
      .sort();
  });
}

/** Whether any row of `types` is filed under `patientKey` (see `LocalRecordStore.hasRows`). */
export async function hasRows(ctx: Pick<StoreContext, 'db'>, patientKey: PatientKey, types: readonly string[]): Promise<boolean> {
  return ctx.db.transaction('r', ctx.db.resources, async () => {
    const found = await Promise.all(
      types.map((t) =>
        ctx.db.resources.where(BY_PATIENT).between([patientKey, t, Dexie.minKey], [patientKey, t, Dexie.maxKey], true, true).limit(1).primaryKeys(),
      ),
    );
    return found.some((keys) => keys.length > 0);
  });
}
