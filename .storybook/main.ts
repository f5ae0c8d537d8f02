import type { StorybookConfig } from '@storybook/web-components-vite';

/**
 * Storybook for ehr-elements. The repository's own vite.config.ts is the demo app's (root
 * `demo/`), so Storybook uses the small config next to this file instead.
 */
const config: StorybookConfig = {
  stories: ['../stories/**/*.stories.ts'],
  addons: ['@storybook/addon-docs', '@storybook/addon-a11y', '@storybook/addon-vitest'],
  framework: {
    name: '@storybook/web-components-vite',
    options: { builder: { viteConfigPath: '.storybook/vite.config.ts' } },
  },
  core: { disableTelemetry: true },
};

export default config;
