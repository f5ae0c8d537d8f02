import type { Resource } from 'fhir/r4';
import type { EhrDataElement } from './ehr-element.js';
import { LiveQueryController } from './live-query-controller.js';

/**
 * Live rows of `type` (one resource type or several) for the element's active patient in its
 * active store, following both as they change. Idle while there is no store or no patient, and
 * while `when()` (if given) is false.
 *
 * ```ts
 * private allergies = patientQuery<AllergyIntolerance>(this, 'AllergyIntolerance');
 * ```
 */
export function patientQuery<T extends Resource = Resource>(
  host: EhrDataElement,
  type: string | string[],
  when?: () => boolean,
): LiveQueryController<T> {
  return new LiveQueryController<T>(host, {
    store: () => host.activeStore,
    query: () => (host.activePatient && (!when || when()) ? { patient: host.activePatient, type } : undefined),
  });
}
