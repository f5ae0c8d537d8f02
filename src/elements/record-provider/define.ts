import { defineElement } from '../base/define.js';
import { EhrRecordProvider } from './record-provider.js';

defineElement('ehr-record-provider', EhrRecordProvider);

export { EhrRecordProvider };
export default EhrRecordProvider;
