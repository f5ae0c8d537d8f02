/**
 * Joining records that are the same drug or the same allergy, from any number of sources. The
 * rule (which records may join) is pairwise; {@link groupByKeys} applies it in time linear in the
 * number of records, so 10,000 copies of one drug are grouped as fast as 10,000 different ones.
 */

/** What two records are compared on: their normalized written name and their coding keys. */
export interface MatchInfo {
  /** Normalized written name, `''` when none. */
  readonly name: string;
  /** `system|code` keys that may join records (placeholders and class codes removed). */
  readonly keys: readonly string[];
  /** The subset of `keys` strong enough to join records whose names differ. */
  readonly strong: ReadonlySet<string>;
}

/**
 * Whether two records that share a key may be joined. Showing two rows for one drug is
 * recoverable; hiding a drug or an allergy inside another's row is not. So two records whose
 * written names are both present and differ are joined only through a shared strong code.
 */
export function compatible(a: MatchInfo, b: MatchInfo): boolean {
  if (!a.name || !b.name || a.name === b.name) return true;
  for (const k of a.strong) if (b.strong.has(k)) return true;
  return false;
}

/**
 * Groups items that share a key, pair by pair (an item joins a group through any member it shares
 * a key with and is {@link compatible} with); groups keep the order of their first item.
 *
 * Linear in the number of items and keys: instead of testing each new holder of a key against
 * every earlier one, each key remembers one representative per written name. Two holders of one
 * key are compatible when they have the same name (same representative), when either has no name
 * (the key then joins all its holders), or when they share a strong key — and a strong key is
 * itself a key that every holder of it shares, so that key joins all its holders too. The groups
 * are exactly those of the pairwise rule, given that whether a key is strong depends on the key
 * alone (it does: on its code system), not on the record holding it.
 */
export function groupByKeys<T>(items: readonly T[], infoOf: (item: T) => MatchInfo): T[][] {
  const infos = items.map(infoOf);
  const parent = items.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  const union = (a: number, b: number): void => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  };
  /** Per key: `all` once every holder is in one group; otherwise one holder per written name. */
  const holders = new Map<string, { all?: number; byName: Map<string, number> }>();
  infos.forEach((info, i) => {
    for (const k of new Set(info.keys)) {
      let h = holders.get(k);
      if (!h) holders.set(k, (h = { byName: new Map() }));
      if (h.all !== undefined) {
        union(h.all, i);
        continue;
      }
      if (!info.name || info.strong.has(k)) {
        // Compatible with every holder of this key, earlier and later: one group from now on.
        for (const j of h.byName.values()) union(j, i);
        h.byName.clear();
        h.all = i;
        continue;
      }
      const same = h.byName.get(info.name);
      if (same === undefined) h.byName.set(info.name, i);
      else union(same, i);
    }
  });
  const groups = new Map<number, T[]>();
  items.forEach((item, i) => {
    const root = find(i);
    const g = groups.get(root);
    if (g) g.push(item);
    else groups.set(root, [item]);
  });
  return [...groups.values()];
}

