// @ts-check
import { fileURLToPath } from 'node:url';
import net from 'node:net';
import { createServer } from 'vite';
import { startFhirServer } from './fhir-server/server.mjs';
import { DEMO_CLIENT_ID, startAuthServer } from './auth-server/server.mjs';
import { loadSampleData } from './data/load.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

/** A port free right now on 127.0.0.1 (for a server that must be named before it starts). */
async function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const a = probe.address();
      probe.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

/**
 * Starts the local FHIR server with the sample patients, the demo SPA (Vite dev server) and the
 * SMART authorization server in front of the FHIR server, all on 127.0.0.1. Used by `npm start`
 * and by the end-to-end tests.
 * @param {{ fhirPort?: number, demoPort?: number, authPort?: number, dataDir?: string, quiet?: boolean,
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
  // The SMART app accepts only the authorization server's FHIR bases as `iss`.
  const authPort = options.authPort ?? (await freePort());
  const authOrigin = `http://127.0.0.1:${authPort}`;
  process.env.VITE_SMART_CLIENT_ID = DEMO_CLIENT_ID;
  // The demo page links the simulated EHR (EHR launch) and a standalone patient launch.
  process.env.VITE_SMART_EHR_URL = `${authOrigin}/ehr?base=${data.bases[0]?.id ?? 'clinic'}`;
  // (`/nopkce/...` is the same server advertising no S256: listed so the refusal can be shown.)
  process.env.VITE_SMART_ISS_LIST = JSON.stringify(data.bases.flatMap((b) => [`${authOrigin}/${b.id}/fhir`, `${authOrigin}/nopkce/${b.id}/fhir`]));
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
  /** @param {{ resources: ReadonlyArray<{ resourceType?: string, id?: string }> }} base */
  const firstPatient = (base) => base.resources.find((r) => r.resourceType === 'Patient')?.id ?? '';
  const auth = await startAuthServer({
    port: authPort,
    fhir,
    bases: data.bases.map((b) => ({ id: b.id, label: b.label })),
    redirectUris: [`${demoUrl}smart.html`],
    appLaunchUrl: `${demoUrl}launch.html`,
    defaultPatient: Object.fromEntries(data.bases.map((b) => [b.id, firstPatient(b)])),
  });
  return {
    demoUrl,
    fhir,
    auth,
    bases,
    problems: data.problems,
    /** The one-click "launch as if from an EHR" link (the clinic's first patient). */
    ehrLaunchUrl: auth.ehrUrl({ base: data.bases[0]?.id }),
    async close() {
      await vite.close();
      await auth.close();
      await fhir.close();
    },
  };
}
