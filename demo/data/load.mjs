// @ts-check
/**
 * Loads the demo's sample patients and splits each one's record between two simulated providers
 * (a clinic and a hospital), ready to be served as two FHIR bases.
 *
 *   import { loadSampleData } from './demo/data/load.mjs';
 *   const { bases, problems, patients } = await loadSampleData();
 *
 * Any folder of FHIR JSON works (`{ dir }`): each file is a Bundle (transaction, batch,
 * collection, document, searchset) or a single resource. Bad data never throws: it is reported in
 * `problems` and loading goes on. See README.md next to this file for the rules.
 */

import { readFile, readdir } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleToResources, forEachReference, parseRelativeReference } from './references.mjs';
import { linkIdentifierOf, splitAcrossProviders } from './split.mjs';

export { bundleToResources, forEachReference, parseRelativeReference } from './references.mjs';
export {
  splitAcrossProviders,
  linkIdentifierOf,
  hospitalId,
  hospitalMrn,
  removeReferences,
  HOSPITAL_ENCOUNTER_CLASSES,
  HOSPITAL_LAB_FROM,
  HOSPITAL_MRN_SYSTEM,
  SHARED_TYPES,
  SSN_SYSTEM,
} from './split.mjs';

/** @typedef {import('fhir/r4').FhirResource} Resource */
/** @typedef {import('./references.mjs').Problem} Problem */

/**
 * @typedef {object} Base
 * @property {'clinic' | 'hospital'} id
 * @property {string} label
 * @property {Resource[]} resources
 */

/**
 * @typedef {object} PatientSummary
 * @property {string} name  e.g. "Parker Casper"
 * @property {string} file  the data file, relative to the data folder
 * @property {string} [clinic]  `Patient/<id>` in the clinic base
 * @property {string} [hospital]  `Patient/<id>` in the hospital base, when the hospital knows the patient
 * @property {{ system: string, value: string }} [linkIdentifier]  the identifier both copies share
 * @property {boolean} deceased
 * @property {Record<string, number>} counts  resources per base made from this patient's file
 *   (shared ones such as Organizations included, even when another file brought them first)
 */

/**
 * @typedef {object} SampleData
 * @property {Base[]} bases  clinic first, then hospital
 * @property {Problem[]} problems
 * @property {PatientSummary[]} patients
 * @property {string[]} linkIdentifierSystems  every identifier system used for linking, for
 *   `RecordStore.open({ linkIdentifierSystems })`
 */

export const DEFAULT_DIR = fileURLToPath(new URL('./patients/', import.meta.url));

export const BASE_LABELS = /** @type {const} */ ({ clinic: 'Riverside Clinic', hospital: 'St Elsewhere Hospital' });

/**
 * @param {any} patient
 */
function displayName(patient) {
  /** @type {any[]} */
  const names = Array.isArray(patient?.name) ? patient.name : [];
  const n = names.find((x) => x?.use === 'official') ?? names[0];
  if (!n) return patient?.id ?? '(no name)';
  if (typeof n.text === 'string' && !n.given && !n.family) return n.text;
  return [...(n.given ?? []), n.family].filter(Boolean).join(' ');
}

/**
 * Every `.json` file under `dir` (sub-folders included), as paths relative to `dir` with `/`
 * separators, sorted so the result does not depend on the file system's order.
 * @param {string} dir
 */
async function listJsonFiles(dir) {
  const names = /** @type {string[]} */ (await readdir(dir, { recursive: true }));
  return names
    .map((n) => n.split(sep).join('/'))
    .filter((n) => n.toLowerCase().endsWith('.json'))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Reads every FHIR JSON file in `dir`, resolves references, splits each patient between the clinic
 * and the hospital, and checks that every reference resolves within its base.
 *
 * Deterministic: the same folder gives the same output (ids, order, problems) on every run.
 *
 * @param {{ dir?: string, hospitalLabFrom?: string | null }} [options]
 *   `hospitalLabFrom`: see `splitAcrossProviders` (`null` keeps every clinic lab at the clinic)
 * @returns {Promise<SampleData>}
 */
export async function loadSampleData(options = {}) {
  const dir = options.dir ?? DEFAULT_DIR;
  const files = await listJsonFiles(dir);
  const texts = await Promise.all(files.map((f) => readFile(join(dir, f), 'utf8')));

  /** @type {Problem[]} */
  const problems = [];
  /** @type {{ clinic: Map<string, any>, hospital: Map<string, any> }} */
  const bases = { clinic: new Map(), hospital: new Map() };
  /** @type {{ clinic: Map<string, string>, hospital: Map<string, string> }} which file each resource came from */
  const origin = { clinic: new Map(), hospital: new Map() };
  /** @type {PatientSummary[]} */
  const patients = [];

  files.forEach((file, i) => {
    let doc;
    try {
      doc = JSON.parse(texts[i]);
    } catch (err) {
      problems.push({ file, kind: 'invalid-json', message: `not valid JSON: ${/** @type {Error} */ (err).message}` });
      return;
    }
    const parsed = bundleToResources(doc, { file });
    // Dangling references are checked once, per base, after everything is loaded: a reference a
    // lone resource file cannot resolve may well be satisfied by another file.
    problems.push(...parsed.problems.filter((p) => p.kind !== 'dangling-reference'));
    if (parsed.resources.length === 0) return;

    const split = splitAcrossProviders(parsed.resources, { file, hospitalLabFrom: options.hospitalLabFrom });
    problems.push(...split.problems);
    /** @type {Record<string, number>} */
    const counts = { clinic: split.clinic.length, hospital: split.hospital.length };
    for (const side of /** @type {const} */ (['clinic', 'hospital'])) {
      for (const r of split[side]) {
        const key = `${r.resourceType}/${r.id}`;
        const existing = bases[side].get(key);
        if (existing) {
          if (JSON.stringify(existing) !== JSON.stringify(r)) {
            problems.push({
              file,
              kind: 'conflicting-duplicate',
              resource: key,
              base: side,
              message: `${key} is also in ${origin[side].get(key)} with different content; the first one is kept`,
            });
          }
          continue;
        }
        bases[side].set(key, r);
        origin[side].set(key, file);
      }
    }
    if (split.patient.clinic) {
      const patient = parsed.resources.find((r) => `${r.resourceType}/${r.id}` === split.patient.clinic);
      const p = /** @type {any} */ (patient);
      patients.push({
        name: displayName(p),
        file,
        clinic: split.patient.clinic,
        ...(split.patient.hospital ? { hospital: split.patient.hospital } : {}),
        ...(split.linkIdentifier ? { linkIdentifier: split.linkIdentifier } : {}),
        deceased: Boolean(p.deceasedDateTime) || p.deceasedBoolean === true,
        counts,
      });
    } else {
      for (const r of parsed.resources) {
        if (r.resourceType !== 'Patient') continue;
        const link = linkIdentifierOf(r);
        const p = /** @type {any} */ (r);
        patients.push({
          name: displayName(p),
          file,
          clinic: `Patient/${r.id}`,
          ...(link ? { linkIdentifier: link } : {}),
          deceased: Boolean(p.deceasedDateTime) || p.deceasedBoolean === true,
          counts,
        });
      }
    }
  });

  // Every reference must resolve within its own base; report the ones that do not.
  for (const side of /** @type {const} */ (['clinic', 'hospital'])) {
    const base = bases[side];
    const seen = new Set();
    for (const [key, r] of base) {
      forEachReference(r, (ref) => {
        const value = ref.reference;
        if (value.startsWith('#')) return;
        const rel = parseRelativeReference(value);
        if (rel && base.has(`${rel.type}/${rel.id}`)) return;
        if (value.includes('?') && !value.includes('://')) return; // reported as a conditional reference
        const file = origin[side].get(key) ?? '';
        const id = `${file}\n${key}\n${value}`;
        if (seen.has(id)) return;
        seen.add(id);
        problems.push({
          file,
          kind: 'dangling-reference',
          reference: value,
          resource: key,
          base: side,
          message: `${key} refers to ${value}, which the ${side} does not hold; left as written`,
        });
      });
    }
  }

  const linkIdentifierSystems = [
    ...new Set(patients.flatMap((p) => (p.linkIdentifier ? [p.linkIdentifier.system] : []))),
  ].sort();

  return {
    bases: [
      { id: 'clinic', label: BASE_LABELS.clinic, resources: [...bases.clinic.values()] },
      { id: 'hospital', label: BASE_LABELS.hospital, resources: [...bases.hospital.values()] },
    ],
    problems,
    patients,
    linkIdentifierSystems,
  };
}

// `node demo/data/load.mjs [dir]` prints a summary.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const started = performance.now();
  const data = await loadSampleData(process.argv[2] ? { dir: process.argv[2] } : {});
  const ms = Math.round(performance.now() - started);
  for (const b of data.bases) console.log(`${b.id} (${b.label}): ${b.resources.length} resources`);
  for (const p of data.patients) {
    console.log(
      `  ${p.name}${p.deceased ? ' (deceased)' : ''}: clinic ${p.clinic} [${p.counts.clinic}]` +
        (p.hospital ? `, hospital ${p.hospital} [${p.counts.hospital}]` : '') +
        (p.linkIdentifier ? `, linked by ${p.linkIdentifier.system}|${p.linkIdentifier.value}` : ''),
    );
  }
  console.log(`${data.problems.length} problems`);
  for (const p of data.problems) console.log(`  ${p.kind}${p.base ? ` [${p.base}]` : ''} ${p.file}: ${p.message}`);
  console.log(`loaded in ${ms} ms`);
}
