import { defineElement } from '../base/define.js';
import { EhrSourceBadge } from '../source-badge/source-badge.js';
import { EhrAllergyPanel } from './allergy-panel.js';

// Rows label their sources with <ehr-source-badge>: register it too (a no-op if already there).
defineElement('ehr-source-badge', EhrSourceBadge);
defineElement('ehr-allergy-panel', EhrAllergyPanel);

export { EhrAllergyPanel };
export default EhrAllergyPanel;
