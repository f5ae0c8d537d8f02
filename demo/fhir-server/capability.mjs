// @ts-check
// The CapabilityStatement for one base. Medplum's router has no `metadata` route (it would treat
// it as a search for a resource type called "metadata"), so we describe what this server does:
// Medplum's interactions plus our history, paging and $everything, minus whatever a fault switch
// has turned off.
import './ws-shim.mjs';
import { globalSchema } from '@medplum/core';
import { allResourceTypes } from './medplum.mjs';

const SPEC = 'http://hl7.org/fhir/SearchParameter/';

/**
 * @param {{ url: string, label: string, disabled: Set<string>, software: string }} opts
 * @returns {import('@medplum/fhirtypes').CapabilityStatement}
 */
export function capabilityStatement({ url, label, disabled, software }) {
  const history = !disabled.has('history');
  const everything = !disabled.has('everything');
  const versioned = !disabled.has('ifMatch');
  const updateCreate = !disabled.has('updateCreate');

  const typeInteractions = ['read', 'vread', 'update', 'patch', 'delete', 'create', 'search-type'];
  if (history) typeInteractions.push('history-instance', 'history-type');

  const resource = allResourceTypes().map((type) => {
    const params = globalSchema.types[type]?.searchParams ?? {};
    const searchParam = Object.entries(params)
      .filter(([code]) => !['_query', '_content', '_project', '_compartment'].includes(code))
      .map(([code, p]) => ({
        name: code,
        definition: p.url ?? `${SPEC}${type}-${code}`,
        type: /** @type {any} */ (p.type),
      }));
    searchParam.push(
      { name: '_count', definition: `${SPEC}Resource-count`, type: 'number' },
      { name: '_sort', definition: `${SPEC}Resource-sort`, type: 'special' },
      { name: '_summary', definition: `${SPEC}Resource-summary`, type: 'token' }
    );
    /** @type {import('@medplum/fhirtypes').CapabilityStatementRestResource} */
    const entry = {
      type: /** @type {any} */ (type),
      interaction: typeInteractions.map((code) => ({ code: /** @type {any} */ (code) })),
      versioning: versioned ? 'versioned-update' : 'no-version',
      readHistory: history,
      updateCreate,
      conditionalCreate: true,
      conditionalUpdate: true,
      conditionalDelete: 'single',
      conditionalRead: 'not-supported',
      searchInclude: ['*'],
      searchRevInclude: ['*'],
      searchParam,
    };
    if (type === 'Patient' && everything) {
      entry.operation = [
        { name: 'everything', definition: 'http://hl7.org/fhir/OperationDefinition/Patient-everything' },
      ];
    }
    return entry;
  });

  const system = [{ code: 'transaction' }, { code: 'batch' }, { code: 'search-system' }];
  if (history) system.push({ code: 'history-system' });

  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: new Date().toISOString(),
    kind: 'instance',
    publisher: 'ehr-elements demo',
    software: { name: software },
    implementation: { description: label, url },
    fhirVersion: '4.0.1',
    format: ['json', 'application/fhir+json'],
    rest: [
      {
        mode: 'server',
        documentation:
          'In-memory FHIR R4 server for demos and tests (Medplum fhir-router + MemoryRepository). ' +
          'Search and $everything pages are snapshots linked by absolute next URLs. ' +
          '_history lists changes oldest first (including deletes) and takes _since, _count.',
        security: { cors: true, description: 'CORS answers only the origins this server was started with.' },
        resource: /** @type {any} */ (resource),
        interaction: /** @type {any} */ (system),
      },
    ],
  };
}
