/**
 * Patient identity across sources.
 *
 * Each stored Patient has a `links` row: its identifiers, its `Patient.link` targets and the
 * facts the linking rule compares (`src/fhir/patient-match.ts`). Linked sets are computed when
 * asked (a breadth-first walk over the rows and the person's decisions in `matches`), not
 * stored: a Patient that changes or disappears can split a set, and recomputing on read keeps
 * that trivially correct. Reads inside a live query also re-run when a row or decision changes.
 *
 * Who may say two records are the same person (an edge of the walk):
 * - **The record's own source**, about its own patients: a `Patient.link` within one source.
 * - **Both sources, corroborated**: the two records carry the same identifier in a linking
 *   system, each is the only record of its source carrying it, and family name, full birth date
 *   and gender agree. A `Patient.link` to another source counts when the target corroborates it
 *   the same way: it links back or carries the same linking identifier, and the facts agree.
 * - **A trusted identifier system** the host named (`trustedIdentifierSystem`): a shared
 *   identifier in it links without the facts (still one record per source).
 * - **A person**: a confirmed decision. A rejected decision removes the edge, whatever the rule
 *   says, until either record's identity data changes.
 *
 * Everything else that made two records comparable (several records of one source with the
 * identifier, facts that differ or are missing, a one-sided `Patient.link`) is a *possible
 * match*: listed, never merged.
 */
import type { Patient } from 'fhir/r4';
import { patientLinkTargets } from '../fhir/references.js';
import { compareIdentity, corroborates, identityFacts, type MatchEvidence } from '../fhir/patient-match.js';
import { normalizeBase, parsePatientKey, parsePatientReference, type SourceBases } from './compartment.js';
import type { LinkRow, MatchDecisionRow, RecordDatabase } from './schema.js';

/** How the host configured linking. */
export interface LinkRules {
  /** Identifier systems whose shared values make two records comparable. */
  readonly linkSystems: readonly string[];
  /** One system whose shared value links without the name/birth date/gender check. */
  readonly trustedSystem?: string;
}

/** Why two records were compared but not linked. */
export type PossibleMatchReason =
  /** They share an identifier, but the facts differ or are missing on one side. */
  | 'not-corroborated'
  /** More than one record of a source carries the identifier. */
  | 'several-in-source'
  /** One record's `Patient.link` names the other, which does not corroborate it. */
  | 'link-not-corroborated';

/** Two stored patient records that may be the same person; a person decides. */
export interface PossibleMatch {
  /** Stable id of the pair (`<keyA>~<keyB>`, sorted), for `confirmLink` / `rejectLink`. */
  id: string;
  /** The record in the patient's linked set. */
  patient: string;
  /** The other record. */
  candidate: string;
  /** The candidate's source id. */
  source: string;
  reason: PossibleMatchReason;
  /** Linking identifiers (`system|value`) both records carry. */
  identifiers: string[];
  /** Field by field comparison of the two records. */
  evidence: MatchEvidence;
}

/** Builds the `links` row for a Patient stored in `source`. */
export function linkRowFor(patient: Patient, source: string): LinkRow {
  const idents = new Set<string>();
  for (const identifier of Array.isArray(patient.identifier) ? patient.identifier : []) {
    if (typeof identifier?.system === 'string' && typeof identifier.value === 'string' && identifier.system && identifier.value) {
      idents.add(`${identifier.system}|${identifier.value}`);
    }
  }
  const refs = new Set<string>();
  // RelatedPerson and unreadable links are not a patient identity (patientLinkTargets leaves them out).
  for (const t of patientLinkTargets(patient)) refs.add(t.base ? `${t.base}/Patient/${t.id}` : `${source}/Patient/${t.id}`);
  return { key: `${source}/Patient/${patient.id}`, source, idents: [...idents], refs: [...refs], facts: identityFacts(patient) };
}

/** The id of a pair of patient keys, independent of their order. */
export function pairId(a: string, b: string): string {
  return a < b ? `${a}~${b}` : `${b}~${a}`;
}

/** Splits a pair id into its two keys, or undefined when it is not one. */
export function parsePairId(id: unknown): [string, string] | undefined {
  if (typeof id !== 'string') return undefined;
  const parts = id.split('~');
  if (parts.length !== 2 || !parsePatientKey(parts[0]!) || !parsePatientKey(parts[1]!) || parts[0] === parts[1]) return undefined;
  return parts[0]! < parts[1]! ? [parts[0]!, parts[1]!] : undefined;
}

/**
 * A digest of what two rows say about identity (identifiers, links, facts): a rejection is
 * honoured while it is unchanged. FNV-1a over the canonical JSON; not a security measure.
 */
export function identityFingerprint(a: LinkRow | undefined, b: LinkRow | undefined): string {
  const part = (r: LinkRow | undefined) =>
    r ? [r.key, [...r.idents].sort(), [...r.refs].sort(), r.facts ?? null] : null;
  const text = JSON.stringify([a, b].sort((x, y) => ((x?.key ?? '') < (y?.key ?? '') ? -1 : 1)).map(part));
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/**
 * Maps a stored link target to a patient key: a key (from a relative reference, already in the
 * row's own source) as is; an absolute URL only when its base is exactly a registered source's
 * base, else no link (an unknown base is never taken to be the row's own server).
 */
function refToKey(ref: string, sources: SourceBases): string | undefined {
  if (!/^https?:\/\//.test(ref)) return ref;
  const parsed = parsePatientReference(ref);
  const match = parsed?.base !== undefined ? sources.find((s) => normalizeBase(s.baseUrl) === parsed.base) : undefined;
  return match && parsed ? `${match.id}/Patient/${parsed.id}` : undefined;
}

/** The absolute URL a patient key would have in another source's `Patient.link`. */
function urlOfKey(key: string, sources: SourceBases): string | undefined {
  const parsed = parsePatientKey(key);
  const src = parsed && sources.find((s) => s.id === parsed.source);
  return src && parsed ? `${normalizeBase(src.baseUrl)}/Patient/${parsed.id}` : undefined;
}

const systemOf = (ident: string) => ident.slice(0, ident.indexOf('|'));

/** What the walk reads from `links` to judge one key. */
interface Plan {
  confirmed: string[];
  idents: string[];
  targets: string[];
  named: string[];
}

/** The rows read for a {@link Plan}. */
interface Read {
  confirmedRows: Array<LinkRow | undefined>;
  holders: LinkRow[];
  targetRows: Array<LinkRow | undefined>;
  pointing: LinkRow[];
}

/**
 * The linking rule over rows the walk has read. Synchronous on purpose: the walk does every
 * read itself, each await directly on a Dexie request, because inside an IndexedDB transaction
 * (and a live query) a chain of plain async calls between requests can let it commit early.
 */
class LinkGraph {
  private readonly decisions: Map<string, MatchDecisionRow>;

  constructor(
    private readonly rules: LinkRules,
    private readonly sources: SourceBases,
    decisions: readonly MatchDecisionRow[],
  ) {
    this.decisions = new Map(decisions.map((d) => [d.id, d]));
  }

  private isLinking(ident: string): boolean {
    const system = systemOf(ident);
    return this.rules.linkSystems.includes(system) || this.rules.trustedSystem === system;
  }

  private sharedLinking(a: LinkRow, b: LinkRow): string[] {
    return a.idents.filter((i) => this.isLinking(i) && b.idents.includes(i)).sort();
  }

  /** The person's decision about a pair, if it still holds (a rejection lapses on change). */
  private decision(a: LinkRow | undefined, b: LinkRow | undefined, aKey: string, bKey: string): 'confirmed' | 'rejected' | undefined {
    const d = this.decisions.get(pairId(aKey, bKey));
    if (!d) return undefined;
    if (d.decision === 'confirmed') return 'confirmed';
    return d.fingerprint === identityFingerprint(a, b) ? 'rejected' : undefined;
  }

  /** Whether `row`'s `Patient.link`s name `key`. */
  private linksTo(row: LinkRow, key: string): boolean {
    return row.refs.some((ref) => refToKey(ref, this.sources) === key);
  }

  /** What to read to judge `key`, given its own row. */
  plan(key: string, self: LinkRow | undefined): Plan {
    const confirmed = [...this.decisions.values()]
      .filter((d) => d.decision === 'confirmed' && (d.a === key || d.b === key))
      .map((d) => (d.a === key ? d.b : d.a));
    const idents = self ? self.idents.filter((i) => this.isLinking(i)) : [];
    const targets = self
      ? [...new Set(self.refs.map((ref) => refToKey(ref, this.sources)).filter((t): t is string => !!t && !!parsePatientKey(t)))]
      : [];
    const named = [key, urlOfKey(key, this.sources)].filter((t): t is string => !!t);
    return { confirmed, idents, targets, named };
  }

  /**
   * The records linked to `key` (edges) and the records compared with it but not linked
   * (possible matches), per the module comment.
   */
  evaluate(key: string, self: LinkRow | undefined, plan: Plan, read: Read): { edges: string[]; possible: PossibleMatch[] } {
    const edges = new Set<string>();
    const possible = new Map<string, PossibleMatch>();
    const own = parsePatientKey(key);
    if (!own) return { edges: [], possible: [] };

    const consider = (other: string, otherRow: LinkRow | undefined, verdict: 'edge' | PossibleMatchReason) => {
      if (other === key) return;
      const decided = this.decision(self, otherRow, key, other);
      if (decided === 'rejected') return;
      if (decided === 'confirmed' || verdict === 'edge') {
        edges.add(other);
        possible.delete(other);
        return;
      }
      if (!otherRow || !self || edges.has(other) || possible.has(other)) return;
      possible.set(other, {
        id: pairId(key, other),
        patient: key,
        candidate: other,
        source: otherRow.source,
        reason: verdict,
        identifiers: this.sharedLinking(self, otherRow),
        evidence: compareIdentity(self.facts ?? identityFacts(undefined), otherRow.facts ?? identityFacts(undefined)),
      });
    };

    // Confirmed decisions name their pair directly.
    plan.confirmed.forEach((other, i) => consider(other, read.confirmedRows[i], 'edge'));

    const agree = (other: LinkRow) => !!self?.facts && !!other.facts && corroborates(compareIdentity(self.facts, other.facts));

    // Shared identifiers.
    for (const ident of plan.idents) {
      const carrying = read.holders.filter((r) => r.key !== key && r.idents.includes(ident));
      const ownDuplicates = carrying.filter((r) => r.source === own.source);
      const bySource = new Map<string, LinkRow[]>();
      for (const r of carrying) {
        if (r.source === own.source) continue;
        bySource.set(r.source, [...(bySource.get(r.source) ?? []), r]);
      }
      for (const r of ownDuplicates) consider(r.key, r, 'several-in-source');
      for (const rows of bySource.values()) {
        if (rows.length !== 1 || ownDuplicates.length) {
          for (const r of rows) consider(r.key, r, 'several-in-source');
          continue;
        }
        const other = rows[0]!;
        const trusted = this.rules.trustedSystem !== undefined && systemOf(ident) === this.rules.trustedSystem;
        consider(other.key, other, trusted || agree(other) ? 'edge' : 'not-corroborated');
      }
    }

    // Patient.link, both directions. Within one source the source speaks about its own patients.
    const linkVerdict = (other: LinkRow | undefined, otherKey: string): 'edge' | PossibleMatchReason => {
      if (parsePatientKey(otherKey)?.source === own.source) return 'edge';
      if (!other || !self) return 'link-not-corroborated';
      const backed = this.linksTo(other, key) && this.linksTo(self, otherKey);
      const shared = this.sharedLinking(self, other);
      const trusted = this.rules.trustedSystem !== undefined && shared.some((i) => systemOf(i) === this.rules.trustedSystem);
      return trusted || ((backed || shared.length > 0) && agree(other)) ? 'edge' : 'link-not-corroborated';
    };
    // A same-source target not stored yet still links (so sync can fetch it).
    plan.targets.forEach((target, i) => consider(target, read.targetRows[i], linkVerdict(read.targetRows[i], target)));
    for (const r of read.pointing) {
      if (r.key === key) continue;
      consider(r.key, r, linkVerdict(r, r.key));
    }
    return { edges: [...edges], possible: [...possible.values()] };
  }
}

/** One linked set: who is the same person, and who only may be. */
export interface LinkedSet {
  keys: string[];
  possible: PossibleMatch[];
}

/**
 * Linked sets and possible matches, walked from each of `starts` in turn (a start already in an
 * earlier set is skipped): each set's keys (the start first, the rest sorted; includes
 * same-source `Patient.link` targets not stored yet) and the possible matches of its members.
 * Must run inside a transaction (or live query) that can read `links`, `sources` and `matches`.
 *
 * Call it directly from the transaction's callback, not through another async helper: every
 * read of the walk is here, each await directly on Dexie requests (or `Promise.all` of them,
 * never an async function in between), because a deeper chain of
 * plain async functions between the callback and the requests lets the transaction commit early
 * (a PrematureCommitError, seen in live queries).
 */
export async function linkedSets(db: RecordDatabase, starts: readonly string[], rules: LinkRules): Promise<LinkedSet[]> {
  const [sources, decisions] = await Promise.all([db.sources.toArray(), db.matches.toArray()]);
  const graph = new LinkGraph(rules, sources, decisions);
  const done = new Set<string>();
  const out: LinkedSet[] = [];
  for (const start of starts) {
    if (done.has(start)) continue;
    const seen = new Set<string>([start]);
    const possible: PossibleMatch[] = [];
    let frontier = [start];
    while (frontier.length) {
      // What a key's verdict reads depends only on the key and its own row, so the reads of a
      // whole frontier go out together, in three rounds (own rows; what they name; the rows
      // found by identifier or link): each IndexedDB request costs a round trip, and a walk
      // that waited on them one by one spent most of a first paint waiting.
      const selves = await db.links.bulkGet(frontier);
      const plans = frontier.map((key, i) => graph.plan(key, selves[i]));
      const named = await Promise.all(
        plans.map((plan) =>
          Promise.all([
            plan.confirmed.length ? db.links.bulkGet(plan.confirmed) : [],
            plan.idents.length ? db.links.where('idents').anyOf(plan.idents).primaryKeys() : [],
            plan.targets.length ? db.links.bulkGet(plan.targets) : [],
            db.links.where('refs').anyOf(plan.named).primaryKeys(),
          ]),
        ),
      );
      const found = await Promise.all(
        named.map(([, holderKeys, , pointingKeys]) =>
          Promise.all([holderKeys.length ? db.links.bulkGet(holderKeys) : [], db.links.bulkGet(pointingKeys)]),
        ),
      );
      const next: string[] = [];
      frontier.forEach((key, i) => {
        const [confirmedRows, , targetRows] = named[i]!;
        const [holders, pointing] = found[i]!;
        const read: Read = { confirmedRows, holders: present(holders), targetRows, pointing: present(pointing) };
        const n = graph.evaluate(key, selves[i], plans[i]!, read);
        possible.push(...n.possible);
        for (const edge of n.edges) {
          if (!seen.has(edge) && parsePatientKey(edge)) {
            seen.add(edge);
            next.push(edge);
          }
        }
      });
      frontier = next;
    }
    for (const k of seen) done.add(k);
    const [, ...rest] = [...seen];
    const byId = new Map<string, PossibleMatch>();
    for (const p of possible) if (!seen.has(p.candidate) && !byId.has(p.id)) byId.set(p.id, p);
    out.push({ keys: [start, ...rest.sort()], possible: [...byId.values()] });
  }
  return out;
}

const present = (rows: Array<LinkRow | undefined>): LinkRow[] => [...new Map(rows.filter((r): r is LinkRow => !!r).map((r) => [r.key, r])).values()];

const byPairId = (a: PossibleMatch, b: PossibleMatch) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** The possible matches of several sets, each pair once, sorted by id. */
export function mergePossible(sets: readonly LinkedSet[]): PossibleMatch[] {
  const byId = new Map<string, PossibleMatch>();
  for (const set of sets) for (const p of set.possible) if (!byId.has(p.id)) byId.set(p.id, p);
  return [...byId.values()].sort(byPairId);
}
