// @ts-check
// `npm start`: the local FHIR server with sample patients, the demo SPA and the SMART authorization
// server in front of the FHIR server. Ctrl-C stops all three.
import { startDemo } from './launch.mjs';

const fhirPort = Number(process.env.FHIR_PORT ?? 8103);
const demoPort = Number(process.env.DEMO_PORT ?? 5173);
const authPort = process.env.AUTH_PORT ? Number(process.env.AUTH_PORT) : undefined;

/**
 * `EHR_FHIR_BASES`: other FHIR servers instead of the embedded one, as JSON
 * (`[{"id":"hapi","label":"HAPI test server","url":"https://hapi.fhir.org/baseR4"}]`). The
 * embedded server still starts (the SMART server fronts it), but the demo reads these.
 */
function basesFromEnv() {
  const raw = process.env.EHR_FHIR_BASES;
  if (!raw) return undefined;
  /** @type {Array<{ id: string, label?: unknown, url: string }>} */
  let parsed;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error('EHR_FHIR_BASES is not JSON: expected [{"id":"…","label":"…","url":"https://…"}]');
  }
  const ok =
    Array.isArray(parsed) &&
    parsed.length > 0 &&
    parsed.every((b) => b && /^[A-Za-z0-9_.-]{1,64}$/.test(b.id) && typeof b.url === 'string' && /^https?:\/\//.test(b.url));
  if (!ok) throw new Error('EHR_FHIR_BASES: each entry needs an id (letters, digits, _ . -) and an http(s) url');
  return parsed.map((b) => ({ id: b.id, label: typeof b.label === 'string' ? b.label : b.id, url: b.url.replace(/\/+$/, '') }));
}

const basesOverride = basesFromEnv();
const demo = await startDemo({ fhirPort, demoPort, ...(authPort ? { authPort } : {}), ...(basesOverride ? { basesOverride } : {}), quiet: true });
console.log('ehr-elements demo');
console.log(`  Demo:      ${demo.demoUrl}`);
console.log(`  SMART:     ${demo.ehrLaunchUrl}   (launch as if from an EHR)`);
console.log(`  Auth:      ${demo.auth.issuer}   (sign in as any listed user)`);
for (const b of demo.bases) console.log(`  FHIR base: ${b.url}   (${b.label})`);
if (demo.problems.length) console.log(`  Sample data: ${demo.problems.length} problem(s) reported by the loader (dangling references etc.)`);
console.log('Press Ctrl-C to stop.');

let stopping = false;
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    await demo.close();
    process.exit(0);
  });
}
