import { defineElement } from '../base/define.js';
import { EhrSyncStatus } from './sync-status.js';

defineElement('ehr-sync-status', EhrSyncStatus);

export { EhrSyncStatus };
export default EhrSyncStatus;
