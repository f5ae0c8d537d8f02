import type { TestProject } from 'vitest/node';
import { startFhirServer } from '../../demo/fhir-server/server.mjs';
import { loadSampleData } from '../../demo/data/load.mjs';

/**
 * Starts the local FHIR server once for the browser project, seeded with the sample patients,
 * and hands its URL (`inject('fhirUrl')`) and admin token (`inject('fhirAdminToken')`) to the
 * tests. Browser tests drive faults only through the helpers in `browser-sync.ts`, which send
 * the token.
 *
 * CORS: Vitest serves the test page from its own Vite server on a loopback address whose port is
 * not fixed (it moves on when taken), so this test server, and only it, allows loopback origins.
 */
export default async function setup(project: TestProject) {
  const { bases } = await loadSampleData();
  const server = await startFhirServer({ port: 0, bases, allowLoopbackOrigins: true });
  project.provide('fhirUrl', server.url);
  project.provide('fhirAdminToken', server.adminToken);
  return async () => {
    await server.close();
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    fhirUrl: string;
    /** The server's `/__admin` token, for the helpers in browser-sync.ts. */
    fhirAdminToken: string;
  }
}
