/**
 * Identity decisions: possible matches (records compared with a patient that the linking rule
 * would not merge) and a person's confirm/reject of them. The rule itself is in `links.ts`.
 *
 * Each function is the work of the `LocalRecordStore` method of the same name; the facade adds the
 * closed check and the mapping of errors to `StoreError` (its JSDoc is the contract).
 */
import { parsePatientKey } from './compartment.js';
import { liveDistinct } from './live.js';
import type { StoreContext } from './context.js';
import { StoreError } from './errors.js';
import { identityFingerprint, linkedSets, mergePossible, pairId, parsePairId, type PossibleMatch } from './links.js';
import type { LiveObservable, PatientKey } from './types.js';

/** Possible matches of `patient`'s linked set, or of every stored patient; sorted by id. */
export async function listPossibleMatches(ctx: Pick<StoreContext, 'db' | 'rules'>, patient?: PatientKey): Promise<PossibleMatch[]> {
  if (patient !== undefined && !parsePatientKey(patient)) {
    throw new StoreError('invalid-argument', `listPossibleMatches: expected "<source>/Patient/<id>" (got ${JSON.stringify(patient)}).`);
  }
  return ctx.db.transaction('r', [ctx.db.links, ctx.db.sources, ctx.db.matches], async () => {
    const starts = patient !== undefined ? [patient] : (await ctx.db.links.toCollection().primaryKeys()).sort();
    return mergePossible(await linkedSets(ctx.db, starts, ctx.rules));
  });
}

/** Wraps a liveQuery over `read` (the facade's `listPossibleMatches`), passing on only results that differ. */
export function liveMatches(read: () => Promise<PossibleMatch[]>): LiveObservable<PossibleMatch[]> {
  return liveDistinct(read, (value) => JSON.stringify(value));
}

/** Stores a person's decision on a possible match (see `LocalRecordStore.confirmLink` / `rejectLink`). */
export async function decide(ctx: Pick<StoreContext, 'db'>, id: string, decision: 'confirmed' | 'rejected'): Promise<void> {
  const what = decision === 'confirmed' ? 'confirmLink' : 'rejectLink';
  const pair = parsePairId(id);
  if (!pair) throw new StoreError('invalid-argument', `${what}: expected a possible match id "<patient key>~<patient key>" (got ${JSON.stringify(id)}).`);
  await ctx.db.transaction('rw', [ctx.db.links, ctx.db.matches], async () => {
    const [a, b] = await ctx.db.links.bulkGet(pair);
    if (!a || !b) throw new StoreError('not-found', `${what}: ${!a ? pair[0] : pair[1]} is not a stored patient.`);
    await ctx.db.matches.put({ id: pairId(pair[0], pair[1]), a: pair[0], b: pair[1], decision, fingerprint: identityFingerprint(a, b), at: Date.now() });
  });
}
