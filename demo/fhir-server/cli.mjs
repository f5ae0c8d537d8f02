#!/usr/bin/env node
// @ts-check
// Runs the local FHIR server on its own:
//   node demo/fhir-server/cli.mjs [--port 8103] [--data DIR] [--log] [--empty]
//     [--allow-origin ORIGIN]... [--allow-host NAME]...
// The port can also come from FHIR_PORT. Data comes from demo/data (loadSampleData). Ctrl-C stops it.
import { parseArgs } from 'node:util';
import { startFhirServer } from './server.mjs';

const USAGE = `Usage: node demo/fhir-server/cli.mjs [options]

  --port N     port on 127.0.0.1 (default: $FHIR_PORT or 8103; 0 = any free port)
  --data DIR   folder of FHIR JSON to load instead of the sample patients
  --empty      start with no data (bases "clinic" and "hospital")
  --log        print one line per request
  --allow-origin ORIGIN  a browser origin allowed by CORS, e.g. http://127.0.0.1:5173 (repeatable;
               also $FHIR_ALLOW_ORIGINS, comma-separated). Without one, no browser page may call it.
  --allow-host NAME      a Host header name accepted besides 127.0.0.1, localhost and [::1]
               (repeatable; also $FHIR_ALLOW_HOSTS)
  --help       this text

The admin endpoint (/__admin) needs the token printed at start in the X-Admin-Token header
($FHIR_ADMIN_TOKEN sets it instead of a random one).`;

/** @param {string | undefined} text */
const listOf = (text) => (text ?? '').split(',').map((s) => s.trim()).filter(Boolean);

async function main() {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      data: { type: 'string' },
      empty: { type: 'boolean', default: false },
      log: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
      'allow-origin': { type: 'string', multiple: true },
      'allow-host': { type: 'string', multiple: true },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const portText = values.port ?? process.env.FHIR_PORT ?? '8103';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`invalid port "${portText}"`);
  }

  /** @type {Array<{ id: string, label: string, resources: any[] }>} */
  let bases;
  if (values.empty) {
    bases = [
      { id: 'clinic', label: 'Riverside Clinic', resources: [] },
      { id: 'hospital', label: 'St Elsewhere Hospital', resources: [] },
    ];
  } else {
    let loader;
    try {
      loader = await import('../data/load.mjs');
    } catch (err) {
      throw new Error(
        `cannot load the sample data module demo/data/load.mjs (${/** @type {Error} */ (err).message}). ` +
          'Use --empty to start without data.'
      );
    }
    if (typeof loader.loadSampleData !== 'function') {
      throw new Error('demo/data/load.mjs does not export loadSampleData()');
    }
    const started = Date.now();
    const data = await loader.loadSampleData(values.data ? { dir: values.data } : {});
    bases = data.bases;
    const total = bases.reduce((n, b) => n + b.resources.length, 0);
    console.log(`Loaded ${total} resources in ${Date.now() - started} ms${data.problems.length ? ` (${data.problems.length} data problems reported by the loader)` : ''}`);
  }

  const server = await startFhirServer({
    port,
    bases,
    log: values.log,
    allowedOrigins: [...listOf(process.env.FHIR_ALLOW_ORIGINS), ...(values['allow-origin'] ?? [])],
    allowedHosts: [...listOf(process.env.FHIR_ALLOW_HOSTS), ...(values['allow-host'] ?? [])],
    ...(process.env.FHIR_ADMIN_TOKEN ? { adminToken: process.env.FHIR_ADMIN_TOKEN } : {}),
  });
  console.log(`FHIR server listening on ${server.url}`);
  for (const b of server.bases) {
    const count = bases.find((x) => x.id === b.id)?.resources.length ?? 0;
    console.log(`  ${b.label.padEnd(28)} ${b.url}  (${count} resources)`);
  }
  console.log(`  admin: ${server.url}/__admin/<base>/faults | requests | reset | seed`);
  console.log(`  admin token (X-Admin-Token header): ${server.adminToken}`);
  console.log(`  CORS origins: ${[...server.allowedOrigins].join(', ') || 'none (no browser page may call this server)'}`);
  console.log('Press Ctrl-C to stop.');

  let closing = false;
  const stop = async () => {
    if (closing) return;
    closing = true;
    console.log('\nStopping FHIR server...');
    await server.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err) => {
  console.error(`fhir-server: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
