/**
 * The IndexedDB schema, one function per version so tests can open a database in an old shape.
 *
 * Rules for changing it: never edit a shipped version; add `version(n + 1)` with only the tables
 * whose indexes change, and an `.upgrade()` that fills any new derived field from stored rows.
 */
import { Dexie, type Table } from 'dexie';
import type { Resource } from 'fhir/r4';
import { clinicalDate, codesOf } from './derive.js';
import type { IdentityFacts } from '../fhir/patient-match.js';
import { linkRowFor } from './links.js';
import { CODE_STATS, statsOf, type CodeStatsRow } from './code-stats.js';
import type { Patient } from 'fhir/r4';
import type { CheckpointRecord, ConflictRecord, LocalState, OutboxEntry, SourceRecord } from './types.js';

/** Every database of the kit is named `ehr-elements/<name>`. */
export const DB_PREFIX = 'ehr-elements/';

/** Current schema version. */
export const SCHEMA_VERSION = 6;

/** The server's version of a row, kept aside while a local write is pending or in conflict. */
export interface HeldServerVersion {
  /** `null` when the server deleted the resource. */
  resource: Resource | null;
  versionId?: string;
  lastUpdated?: string;
}

/** A row of `resources`. Internal: callers get `StoredRow`. */
export interface ResourceRow {
  source: string;
  type: string;
  id: string;
  patient: string;
  resource: Resource;
  versionId?: string;
  lastUpdated?: string;
  fetchedAt: number;
  /** 0/1 rather than boolean: IndexedDB cannot index booleans. */
  deleted: 0 | 1;
  /**
   * Normalized clinical date (v2); `''` when the resource has none (v3: every row has a date, so
   * every row is in `[patient+type+deleted+date]`).
   */
  date: string;
  /** `system|code` of the main code(s) (v2, multi-entry index). */
  codes?: string[];
  /**
   * The main code (v5): the first of `codes`, `''` when there is none; its index
   * `[patient+type+deleted+code+date]` answers the per-code summary and windows (`code-queries.ts`).
   */
  code?: string;
  local?: LocalState;
  /** Newest server version seen while `local` is set. */
  server?: HeldServerVersion;
}

/** A row of `links`: what a Patient row says about its identity. */
export interface LinkRow {
  /** Patient key. */
  key: string;
  source: string;
  /** `system|value` of every identifier that has both. */
  idents: string[];
  /** `Patient.link` targets: patient keys (relative refs) or absolute Patient URLs. */
  refs: string[];
  /**
   * The facts the linking rule compares (v4; `src/fhir/patient-match.ts`). Absent on rows written
   * by older code: such a row corroborates nothing until its Patient is stored again.
   */
  facts?: IdentityFacts;
}

/** A person's decision about two patient records (v4, table `matches`). */
export interface MatchDecisionRow {
  /** `<keyA>~<keyB>`, the two patient keys sorted. */
  id: string;
  a: string;
  b: string;
  decision: 'confirmed' | 'rejected';
  /** Digest of both records' identity data when decided: a rejection lapses when it changes. */
  fingerprint: string;
  /** `Date.now()` of the decision. */
  at: number;
}

/**
 * What a sync found about a patient at a source other than by downloading it (v4, table
 * `coverage`): today only "searched, no record of this person".
 */
export interface CoverageRow {
  source: string;
  /** The patient key the sync was for. */
  patient: string;
  state: 'no-record';
  /** The server's time of the search (its `Date` header or Bundle.meta.lastUpdated). */
  at?: string;
  /** `system|value` identifiers searched for. */
  searched: string[];
}

/** Stored shape of a conflict (booleans as 0/1 for indexing). */
export interface ConflictRow extends Omit<ConflictRecord, 'id' | 'resolved'> {
  id?: number;
  resolved: 0 | 1;
}

export type OutboxRow = Omit<OutboxEntry, 'seq'> & { seq?: number };

export type ResourceKey = [source: string, type: string, id: string];

/** Typed Dexie database. */
export class RecordDatabase extends Dexie {
  declare resources: Table<ResourceRow, ResourceKey>;
  declare sources: Table<SourceRecord, string>;
  declare checkpoints: Table<CheckpointRecord, [string, string]>;
  declare outbox: Table<OutboxRow, number>;
  declare conflicts: Table<ConflictRow, number>;
  declare links: Table<LinkRow, string>;
  declare matches: Table<MatchDecisionRow, string>;
  declare coverage: Table<CoverageRow, [string, string]>;
  declare codeStats: Table<CodeStatsRow, [string, string, string]>;
}

/** Version 1: the tables and the indexes every query needs. */
export const SCHEMA_V1 = {
  resources: '[source+type+id], [patient+type], lastUpdated, deleted',
  sources: 'id',
  checkpoints: '[source+key], source',
  outbox: '++seq, [source+type+id], source',
  conflicts: '++id, [source+type+id], source, resolved',
  links: 'key, *idents, *refs',
} as const;

/**
 * Version 2: clinical-date range index and multi-entry code index on resources (for lab grouping
 * and timelines), and a patient index on checkpoints (for `purge({ patient })`).
 */
export const SCHEMA_V2 = {
  resources: '[source+type+id], [patient+type], [patient+type+date], *codes, lastUpdated, deleted',
  checkpoints: '[source+key], source, patient',
} as const;

/**
 * Version 3: fewer indexes to maintain on every write (5 → 2). `lastUpdated` and `deleted` were
 * never queried; `[patient+type]` and `[patient+type+date]` become one
 * `[patient+type+deleted+date]`, which answers by-patient, by-type and date-range reads, leaves
 * tombstones out of a range unless asked for, and lists the live ids of a record
 * (`localIds`) from keys alone. A compound index only holds rows that have every part, so from
 * v3 on every row has a `date` (`''` when undated); the upgrade fills it in for older rows.
 */
export const SCHEMA_V3 = {
  resources: '[source+type+id], [patient+type+deleted+date], *codes',
} as const;

/**
 * Version 4: corroborated linking. `links` rows gain `facts` (no index change); `matches` holds a
 * person's confirm/reject decisions about two patient records; `coverage` holds "searched, no
 * record" findings per source and patient.
 */
export const SCHEMA_V4 = {
  matches: 'id, a, b',
  coverage: '[source+patient], patient',
} as const;

/**
 * Version 5: queries by main code for the lab timeline. `[patient+type+deleted+code+date]` lists a
 * patient's rows of a type by code, newest last within a code: the distinct codes, each code's
 * count and latest row, and a window of one code, without reading other rows.
 */
export const SCHEMA_V5 = {
  resources: '[source+type+id], [patient+type+deleted+date], [patient+type+deleted+code+date], *codes',
} as const;

/**
 * Version 6: `codeStats`, the count and newest row of each patient key, type and main code
 * (`code-stats.ts`), kept by a middleware under every write, so the per-code summary is one read
 * per linked record rather than one IndexedDB round trip per code.
 */
export const SCHEMA_V6 = {
  [CODE_STATS]: '[patient+type+code]',
} as const;

/** Declares version 1 only. For tests of the upgrade path. */
export function declareV1(db: Dexie): void {
  db.version(1).stores(SCHEMA_V1);
}

/** Declares versions 1 and 2 (with the v2 upgrade). For tests of the upgrade path. */
export function declareV2(db: Dexie): void {
  declareV1(db);
  db.version(2)
    .stores(SCHEMA_V2)
    .upgrade(async (tx) => {
      // Rows written by v1 have no date/codes: compute them so the new indexes see old rows.
      await tx
        .table<ResourceRow>('resources')
        .toCollection()
        .modify((row) => {
          const date = clinicalDate(row.resource);
          const codes = codesOf(row.resource);
          if (date) row.date = date;
          if (codes.length) row.codes = codes;
        });
    });
}

/** Declares versions 1 to 3 (with upgrades). For tests of the upgrade path. */
export function declareV3(db: Dexie): void {
  declareV2(db);
  db.version(3)
    .stores(SCHEMA_V3)
    .upgrade(async (tx) => {
      // Undated rows had no entry in a date index; give them '' so the new index holds them.
      await tx
        .table<ResourceRow>('resources')
        .filter((row) => typeof row.date !== 'string')
        .modify((row) => {
          row.date = '';
        });
    });
}

/** Declares versions 1 to 4 (with upgrades). For tests of the upgrade path. */
export function declareV4(db: Dexie): void {
  declareV3(db);
  db.version(4)
    .stores(SCHEMA_V4)
    .upgrade(async (tx) => {
      // Link rows written by v3 lack the facts the linking rule compares: rebuild them from the
      // stored Patients, so existing links are judged by the new rule at once.
      const links = tx.table<LinkRow>('links');
      const patients = await tx
        .table<ResourceRow>('resources')
        .filter((r) => r.type === 'Patient' && !r.deleted)
        .toArray();
      await links.clear();
      await links.bulkPut(patients.map((r) => linkRowFor(r.resource as Patient, r.source)));
    });
}

/** Declares versions 1 to 5 (with upgrades). For tests of the upgrade path. */
export function declareV5(db: Dexie): void {
  declareV4(db);
  db.version(5)
    .stores(SCHEMA_V5)
    .upgrade(async (tx) => {
      // Every live row gets its main code ('' without one), so the new index holds it.
      await tx
        .table<ResourceRow>('resources')
        .filter((row) => !row.deleted)
        .modify((row) => {
          row.code = row.codes?.[0] ?? '';
        });
    });
}

/** Declares every version up to the current one, with upgrades. */
export function declareSchema(db: Dexie): void {
  declareV5(db);
  db.version(6)
    .stores(SCHEMA_V6)
    .upgrade(async (tx) => {
      // The statistics of the rows already stored, in one pass (only the fields they need are kept).
      const rows: ResourceRow[] = [];
      await tx.table<ResourceRow>('resources').each((r) => {
        if (!r.deleted) rows.push({ source: r.source, type: r.type, id: r.id, patient: r.patient, deleted: r.deleted, date: r.date, code: r.code } as ResourceRow);
      });
      await tx.table<CodeStatsRow>(CODE_STATS).bulkPut(statsOf(rows));
    });
}
