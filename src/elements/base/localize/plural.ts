/** The plural forms a language may use; `other` is always required. */
export type PluralForms = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };

const rulesCache = new Map<string, Intl.PluralRules>();

/**
 * Picks the plural form for `count` in `locale` through `Intl.PluralRules`, so each language
 * file states only the forms its grammar has (`one`/`other` in English and German, more in
 * Arabic or Polish).
 */
export function plural(locale: string, count: number, forms: PluralForms): string {
  let rules = rulesCache.get(locale);
  if (!rules) {
    rules = new Intl.PluralRules(locale);
    rulesCache.set(locale, rules);
  }
  return forms[rules.select(count)] ?? forms.other;
}
