import type { Decorator, Preview } from '@storybook/web-components-vite';
import { setCustomElementsManifest } from '@storybook/web-components-vite';
import { html } from 'lit';
import { configure } from 'storybook/test';
import manifest from '../custom-elements.json';
import { registerTranslation, de } from '../src/elements/base/localize/index.js';
import { adoptThemeStyles } from '../src/elements/base/tokens.js';

// Docs tables (properties, events, parts, CSS properties) come from the generated manifest.
setCustomElementsManifest(manifest);
registerTranslation(de);
adoptThemeStyles(document);

/**
 * Toolbar globals: language, direction and theme wrap every story, so any story can be checked
 * in German, right-to-left or dark. Stories that are about one of these set it themselves.
 */
const withPage: Decorator = (story, context) => {
  const { locale = 'en', direction = 'ltr', theme = 'light' } = context.globals;
  const lang = context.parameters.lang ?? locale;
  const dir = context.parameters.dir ?? direction;
  const dark = (context.parameters.theme ?? theme) === 'dark';
  return html`<div
    lang=${lang}
    dir=${dir}
    class="ehr-story ${dark ? 'ehr-theme-dark' : 'ehr-theme-light'}"
    style="padding: 1rem; background: var(--ehr-color-surface, #fff); color: var(--ehr-color-text, #1f2328); font-family: var(--ehr-font-family, system-ui, sans-serif);"
  >
    ${story()}
  </div>`;
};

// Stories seed a real IndexedDB store before they render; on a loaded CI machine that can take
// longer than Testing Library's default 1 s for waitFor/findBy.
configure({ asyncUtilTimeout: 5_000 });

const preview: Preview = {
  tags: ['autodocs'],
  decorators: [withPage],
  globalTypes: {
    locale: {
      description: 'Language of the elements',
      toolbar: { title: 'Language', icon: 'globe', items: [{ value: 'en', title: 'English' }, { value: 'de', title: 'Deutsch' }], dynamicTitle: true },
    },
    direction: {
      description: 'Text direction',
      toolbar: { title: 'Direction', icon: 'transfer', items: ['ltr', 'rtl'], dynamicTitle: true },
    },
    theme: {
      description: 'Colour theme',
      toolbar: { title: 'Theme', icon: 'mirror', items: ['light', 'dark'], dynamicTitle: true },
    },
  },
  initialGlobals: { locale: 'en', direction: 'ltr', theme: 'light' },
  parameters: {
    // An accessibility violation fails the story (in the UI test panel and under Vitest).
    a11y: { test: 'error' },
    controls: { expanded: true },
  },
};

export default preview;
