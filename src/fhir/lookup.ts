/**
 * Lookups keyed by record data. A code, unit, status or system is text from a server: spelled
 * `constructor`, `__proto__`, `toString` or `hasOwnProperty` it must read as "not in the table",
 * never as a property every object inherits. Every table that record text indexes goes through
 * {@link own} (or is a `Map` / `Set`).
 */

/**
 * `table[key]` when `key` is one of the table's own keys; `undefined` for anything else, including
 * names inherited from `Object.prototype` and non-string keys.
 */
export function own<V>(table: Readonly<Record<string, V>>, key: unknown): V | undefined {
  return typeof key === 'string' && Object.hasOwn(table, key) ? table[key] : undefined;
}

/** A counter keyed by record text, with no prototype (for `{ [source]: count }` results). */
export function emptyRecord<V>(): Record<string, V> {
  return Object.create(null) as Record<string, V>;
}
