// The public surface of the kit, listed so that a change to it is a conscious one: what a host
// can reach on a `RecordStore` at run time, and what the package entry exports. The sync engine's
// part of the store (`applyPage`, `completeWrite`, `recordConflict`, `setSourceStatus`, ...)
// stays on the local store it is handed as a `SyncStore`; it must never reappear on
// `RecordStore`. If a test here fails because you added to the host API on purpose, document it
// (README, src/store/README.md) and update the list.
import 'fake-indexeddb/auto';
import { resolve } from 'node:path';
import ts from 'typescript';
import { afterEach, describe, expect, it } from 'vitest';
import { RecordStore } from '../src/record-store.js';
import { LocalRecordStore } from '../src/store/index.js';
import { uniqueName } from './support/names.js';

/** The host API of `RecordStore`: every property name an instance has, own or inherited from its class. */
const HOST_API = [
  // sources
  'addSource',
  'getSources',
  // reading
  'search',
  'live',
  'codeSummary',
  'liveCodeSummary',
  'codeWindow',
  'codeWindows',
  'liveCodeWindow',
  'get',
  'read',
  'linkedPatients',
  // local writes, purge, conflicts
  'save',
  'remove',
  'listOutbox',
  'purge',
  'listConflicts',
  'resolveConflict',
  // completeness and identity
  'coverage',
  'syncedSources',
  'listPossibleMatches',
  'livePossibleMatches',
  'confirmLink',
  'rejectLink',
  // sync and lifecycle
  'syncPatient',
  'sync',
  'close',
  'signOut',
  // events and options
  'addEventListener',
  'onprogress',
  'name',
  'linkIdentifierSystems',
  'trustedIdentifierSystem',
].sort();

const open: Array<{ close(): void }> = [];
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});

async function openRecordStore(): Promise<RecordStore> {
  const store = await RecordStore.open({ name: uniqueName('surface'), sync: { broadcast: false } });
  open.push(store);
  return store;
}

/** Own property names of `value` and of every prototype up to (not including) `stop`. */
function propertyNames(value: object, stop: object): string[] {
  const names = new Set<string>();
  for (let o: object | null = value; o && o !== stop; o = Object.getPrototypeOf(o) as object | null) {
    for (const n of Object.getOwnPropertyNames(o)) if (n !== 'constructor') names.add(n);
  }
  return [...names].sort();
}

describe('RecordStore at run time', () => {
  it('has exactly the host API: own and class property names, nothing private or engine-only', async () => {
    const store = await openRecordStore();
    // EventTarget's own methods (dispatchEvent, removeEventListener) are the platform's.
    expect(propertyNames(store, EventTarget.prototype)).toEqual(HOST_API);
  });

  it('offers no method of the local store that is not host API (the sync engine API stays on the local store)', async () => {
    const store = await openRecordStore();
    const local = propertyNames(LocalRecordStore.prototype, Object.prototype);
    // Sanity: the local store really has the engine's methods this test guards against.
    expect(local).toEqual(expect.arrayContaining(['applyPage', 'completeWrite', 'failWrite', 'recordConflict', 'setSourceStatus', 'recordNoRecord', 'pendingWrites', 'getSourceFetch']));
    const reachable = local.filter((name) => !HOST_API.includes(name) && name in store);
    expect(reachable).toEqual([]);
  });

  it('has one static: open', () => {
    expect(Object.getOwnPropertyNames(RecordStore).filter((n) => !['length', 'name', 'prototype'].includes(n))).toEqual(['open']);
  });
});

describe('the package entry (src/index.ts)', () => {
  it('exports these values at run time', async () => {
    const entry = await import('../src/index.js');
    expect(Object.keys(entry).sort()).toEqual([
      'EhrAllergyPanel',
      'EhrDataElement',
      'EhrElement',
      'EhrMedicationList',
      'EhrPatientBanner',
      'EhrRecordProvider',
      'EhrSourceBadge',
      'LocalRecordStore',
      'RecordStore',
      'StoreError',
      'SyncError',
      'de',
      'defineElement',
      'en',
      'launchContext',
      'patientContext',
      'registerTranslation',
      'storeContext',
      'syncStateContext',
    ]);
  });

  it('exports these types', () => {
    const file = resolve('src/index.ts');
    const program = ts.createProgram([file], {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      experimentalDecorators: true,
      skipLibCheck: true,
      noEmit: true,
    });
    const checker = program.getTypeChecker();
    const entry = checker.getSymbolAtLocation(program.getSourceFile(file)!)!;
    const types = checker
      .getExportsOfModule(entry)
      .filter((s) => {
        const target = s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s;
        return !(target.flags & ts.SymbolFlags.Value);
      })
      .map((s) => s.name)
      .sort();
    expect(types).toEqual([
      'CodeSummaryEntry',
      'CodeWindow',
      'CodeWindowQuery',
      'CodeWindowsQuery',
      'ConflictChoice',
      'ConflictRecord',
      'LiveObservable',
      'OpenOptions',
      'PatientCoverage',
      'PatientKey',
      'PossibleMatch',
      'PurgeOptions',
      'PurgeResult',
      'RecordStoreOpenOptions',
      'SearchQuery',
      'SourceInit',
      'SourceRecord',
      'SourceReport',
      'StoreErrorCode',
      'StoredRow',
      'SyncErrorCode',
      'SyncPatientOptions',
      'SyncProgress',
      'SyncProgressEvent',
      'SyncReport',
      'WindowPosition',
    ]);
  });
});
