import { html, nothing, type TemplateResult } from 'lit';
import { lang, words, type Lang } from './i18n.js';

export type Theme = 'light' | 'dark';

const THEME_KEY = 'ehr-demo-theme';

export function storedTheme(): Theme {
  try {
    return localStorage.getItem(THEME_KEY) === 'dark' ? 'dark' : 'light';
  } catch {
    return 'light';
  }
}

export function saveTheme(theme: Theme): void {
  try {
    localStorage.setItem(THEME_KEY, theme);
  } catch {
    // Private mode: the choice lasts for this page only.
  }
}

export interface OptionsHandlers {
  onLang: (lang: Lang) => void;
  onTheme: (theme: Theme) => void;
  onClear: () => void;
}

/** Language, theme and "Clear cached data", in the page header. */
export function renderOptions(theme: Theme, notice: string | undefined, h: OptionsHandlers): TemplateResult {
  const w = words();
  return html`<div class="options" role="group" aria-label=${w.options}>
    <label
      >${w.language}
      <select id="opt-lang" @change=${(e: Event) => h.onLang((e.target as HTMLSelectElement).value as Lang)}>
        <option value="en" lang="en" ?selected=${lang() === 'en'}>English</option>
        <option value="de" lang="de" ?selected=${lang() === 'de'}>Deutsch</option>
      </select></label
    >
    <label
      >${w.theme}
      <select id="opt-theme" @change=${(e: Event) => h.onTheme((e.target as HTMLSelectElement).value as Theme)}>
        <option value="light" ?selected=${theme === 'light'}>${w.light}</option>
        <option value="dark" ?selected=${theme === 'dark'}>${w.dark}</option>
      </select></label
    >
    <button type="button" id="opt-clear" @click=${h.onClear}>${w.clearCache}</button>
    <p class="options-notice" role="status">${notice ?? nothing}</p>
  </div>`;
}
