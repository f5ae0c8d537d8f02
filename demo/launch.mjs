// @ts-check
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';
import { startFhirServer } from './fhir-server/server.mjs';
import { loadSampleData } from './data/load.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * Starts the local FHIR server with the sample patients and the demo SPA (Vite dev server),
 * both on 127.0.0.1. Used by `npm start` and by the end-to-end tests.
 * @param {{ fhirPort?: number, demoPort?: number, dataDir?: string, quiet?: boolean,
 *           basesOverride?: Array<{ id: string, label: string, url: string }> }} [options]
 *   `basesOverride` points the demo at other FHIR bases (tests use it for a server that is down).
 */
export async function startDemo(options = {}) {
  const data = await loadSampleData(options.dataDir ? { dir: options.dataDir } : {});
  const fhir = await startFhirServer({ port: options.fhirPort ?? 0, bases: data.bases });
  const bases =
    options.basesOverride ?? data.bases.map((b) => ({ id: b.id, label: b.label, url: fhir.baseUrl(b.id) }));
  process.env.VITE_FHIR_BASES = JSON.stringify(bases);
  // The identifier systems that link one person's records across bases (RecordStore.open).
  process.env.VITE_LINK_SYSTEMS = JSON.stringify(data.linkIdentifierSystems);
  const vite = await createServer({
    configFile: `${root}vite.config.ts`,
    root: `${root}demo`,
    logLevel: options.quiet ? 'silent' : 'info',
    clearScreen: false,
    server: { host: '127.0.0.1', port: options.demoPort ?? 0, strictPort: options.demoPort !== undefined },
  });
  await vite.listen();
  const address = vite.httpServer?.address();
  const port = typeof address === 'object' && address ? address.port : options.demoPort;
  const demoUrl = `http://127.0.0.1:${port}/`;
  // The FHIR server answers CORS only for the demo page's own origin (by either loopback name).
  fhir.allowOrigin(`http://127.0.0.1:${port}`);
  fhir.allowOrigin(`http://localhost:${port}`);
  return {
    demoUrl,
    fhir,
    bases,
    problems: data.problems,
    async close() {
      await vite.close();
      await fhir.close();
    },
  };
}
