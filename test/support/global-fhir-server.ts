import type { TestProject } from 'vitest/node';
import { startFhirServer } from '../../demo/fhir-server/server.mjs';
import { loadSampleData } from '../../demo/data/load.mjs';

/**
 * Starts the local FHIR server once for the browser project, seeded with the sample patients,
 * and hands its URL to the tests (`inject('fhirUrl')`). Browser tests drive faults through the
 * server's admin endpoint.
 */
export default async function setup(project: TestProject) {
  const { bases } = await loadSampleData();
  const server = await startFhirServer({ port: 0, bases });
  project.provide('fhirUrl', server.url);
  return async () => {
    await server.close();
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    fhirUrl: string;
  }
}
