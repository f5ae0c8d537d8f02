import { html, nothing, type TemplateResult } from 'lit';
import { lang, words, type Lang } from './i18n.js';

export type Theme = 'light' | 'dark';
export type Density = 'comfortable' | 'compact';

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
  onDensity: (density: Density) => void;
  onOffline: (offline: boolean) => void;
  onOutage: (source: string, down: boolean) => void;
  onClear: () => void;
}

/** What the header's switches show. */
export interface OptionsState {
  theme: Theme;
  density: Density;
  offline: boolean;
  /** Sources with a label, and whether each is switched down. */
  sources: Array<{ id: string; label: string; down: boolean }>;
}

/** Language, theme, density, the offline and outage switches and "Clear cached data", in the page header. */
export function renderOptions(o: OptionsState, notice: string | undefined, h: OptionsHandlers): TemplateResult {
  const w = words();
  const theme = o.theme;
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
    <label
      >${w.density}
      <select id="opt-density" @change=${(e: Event) => h.onDensity((e.target as HTMLSelectElement).value as Density)}>
        <option value="comfortable" ?selected=${o.density === 'comfortable'}>${w.comfortable}</option>
        <option value="compact" ?selected=${o.density === 'compact'}>${w.compact}</option>
      </select></label
    >
    <fieldset class="simulate">
      <legend>${w.simulate}</legend>
      <label><input type="checkbox" id="opt-offline" .checked=${o.offline} @change=${(e: Event) => h.onOffline((e.target as HTMLInputElement).checked)} /> ${w.offline}</label>
      ${o.sources.map(
        (s) =>
          html`<label
            ><input type="checkbox" data-outage=${s.id} .checked=${s.down} @change=${(e: Event) => h.onOutage(s.id, (e.target as HTMLInputElement).checked)} />
            ${w.outageAt(s.label)}</label
          >`,
      )}
    </fieldset>
    <button type="button" id="opt-clear" @click=${h.onClear}>${w.clearCache}</button>
    <p class="options-notice" role="status">${notice ?? nothing}</p>
  </div>`;
}
