import { defineConfig } from 'vite';

/**
 * The demo SPA. `npm start` (demo/start.mjs) runs it through Vite's API with the FHIR bases in
 * `VITE_FHIR_BASES`; run on its own it expects the FHIR server at its default port.
 */
export default defineConfig({
  root: 'demo',
  server: { host: '127.0.0.1', strictPort: false },
  // Pre-bundled at start, so the first SMART launch does not trigger a re-optimisation reload.
  optimizeDeps: { include: ['fhirclient/lib/adapters/BrowserAdapter.js'] },
  preview: { host: '127.0.0.1' },
  build: { outDir: '../dist/demo', emptyOutDir: true },
});
