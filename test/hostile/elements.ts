/**
 * Every element of the kit, as the hostile corpus renders it: one line per tag. A new element
 * adds its line here (the corpus fails while a tag of `custom-elements.json` is missing).
 *
 * All of them are rendered together inside one `<ehr-record-provider>`, as a host page would,
 * reading the store a real sync has just filled.
 */
import type { AllergyIntolerance, MedicationRequest, Observation, Patient } from 'fhir/r4';
import type { Chart } from './cases.js';

export interface CorpusElement {
  tag: string;
  /** Attributes set on the element inside the provider (besides what the provider gives it). */
  attributes?: Record<string, string>;
  /** Has the element read the store and rendered what it found (no skeleton left)? */
  loaded(el: HTMLElement): boolean;
  /** Text of the untouched chart this element must still show, whatever the case added. */
  expected(chart: Chart): string[];
}

const settled = (el: HTMLElement) => Boolean(el.shadowRoot?.firstElementChild) && !el.shadowRoot!.querySelector('[part~="skeleton"]');

const codeText = (c: { text?: string; coding?: Array<{ display?: string }> } | undefined) => c?.text ?? c?.coding?.find((x) => x.display)?.display;

export const CORPUS_ELEMENTS: CorpusElement[] = [
  {
    tag: 'ehr-record-provider',
    // The provider renders a slot: every other element is assigned to it.
    loaded: (el) => (el.shadowRoot?.querySelector('slot')?.assignedElements().length ?? 0) >= CORPUS_ELEMENTS.length - 1,
    expected: () => [],
  },
  {
    tag: 'ehr-patient-banner',
    loaded: (el) => settled(el) && Boolean(el.shadowRoot!.querySelector('[part~="name"]')),
    expected: (chart) => {
      const p = chart.resources.find((r): r is Patient => r.resourceType === 'Patient')!;
      // The banner writes the family name in capitals (as patient banners do).
      return [p.name![0]!.family!.toUpperCase(), p.name![0]!.given![0]!];
    },
  },
  {
    tag: 'ehr-allergy-panel',
    loaded: (el) => settled(el) && Boolean(el.shadowRoot!.querySelector('section')),
    expected: (chart) =>
      chart.resources
        .filter((r): r is AllergyIntolerance => r.resourceType === 'AllergyIntolerance')
        .filter((a) => a.clinicalStatus?.coding?.some((c) => c.code === 'active'))
        .map((a) => codeText(a.code)!),
  },
  {
    tag: 'ehr-medication-list',
    loaded: (el) => settled(el) && Boolean(el.shadowRoot!.querySelector('section')),
    expected: (chart) =>
      chart.resources
        .filter((r): r is MedicationRequest => r.resourceType === 'MedicationRequest')
        .filter((m) => m.status === 'active')
        .map((m) => codeText(m.medicationCodeableConcept)!),
  },
  {
    tag: 'ehr-sync-status',
    loaded: (el) => settled(el) && el.shadowRoot!.querySelectorAll('[part~="source"]').length > 0,
    expected: () => [],
  },
  {
    tag: 'ehr-lab-timeline',
    // Busy until the windows of the tests in view are read.
    loaded: (el) => settled(el) && el.shadowRoot!.querySelector('[part~="base"]')?.getAttribute('aria-busy') === 'false',
    expected: (chart) => {
      // The latest laboratory result's test is listed (its name as recorded).
      const labs = chart.resources
        .filter((r): r is Observation => r.resourceType === 'Observation' && (r as Observation).status === 'final')
        .filter((o) => o.category?.some((c) => c.coding?.some((x) => x.code === 'laboratory')));
      const latest = labs.sort((a, b) => String(b.effectiveDateTime ?? '').localeCompare(String(a.effectiveDateTime ?? '')))[0];
      return latest ? [codeText(latest.code)!] : [];
    },
  },
  {
    tag: 'ehr-consent-dialog',
    loaded: (el) => settled(el) && Boolean(el.shadowRoot!.querySelector('[part~="summary"]')),
    expected: () => [],
  },
  {
    tag: 'ehr-source-badge',
    attributes: { source: 'clinic' },
    loaded: (el) => Boolean(el.shadowRoot?.querySelector('[part~="label"]')?.textContent?.trim()),
    expected: () => ['Riverside Clinic'],
  },
];
