// @ts-check
// `npm start`: the local FHIR server with sample patients, the demo SPA and the SMART authorization
// server in front of the FHIR server. Ctrl-C stops all three.
import { startDemo } from './launch.mjs';

const fhirPort = Number(process.env.FHIR_PORT ?? 8103);
const demoPort = Number(process.env.DEMO_PORT ?? 5173);
const authPort = process.env.AUTH_PORT ? Number(process.env.AUTH_PORT) : undefined;

const demo = await startDemo({ fhirPort, demoPort, ...(authPort ? { authPort } : {}), quiet: true });
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
