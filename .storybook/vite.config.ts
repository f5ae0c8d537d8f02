import { defineConfig } from 'vite';

/** Vite settings for Storybook only (see main.ts). One copy of Lit, pre-bundled. */
export default defineConfig({
  optimizeDeps: { include: ['lit', 'lit/directive-helpers.js'] },
});
