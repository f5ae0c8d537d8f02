import { defineElement } from '../base/define.js';
import { EhrSourceBadge } from '../source-badge/source-badge.js';
import { EhrMedicationList } from './medication-list.js';

// The list renders <ehr-source-badge> in each row, so registering the list registers the badge too.
defineElement('ehr-source-badge', EhrSourceBadge);
defineElement('ehr-medication-list', EhrMedicationList);

export { EhrMedicationList };
export type { MedicationSelectDetail } from './medication-list.js';
export default EhrMedicationList;
