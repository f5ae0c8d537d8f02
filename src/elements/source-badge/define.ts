import { defineElement } from '../base/define.js';
import { EhrSourceBadge } from './source-badge.js';

defineElement('ehr-source-badge', EhrSourceBadge);

export { EhrSourceBadge };
export default EhrSourceBadge;
