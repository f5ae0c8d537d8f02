export { Localize, registerTranslation, translationFor } from './localize.js';
export type { TermKey, TermArgs, PartialTranslation, DateInput } from './localize.js';
export type { Translation } from './en.js';
export { en } from './en.js';
export { de } from './de.js';
export { plural, type PluralForms } from './plural.js';
