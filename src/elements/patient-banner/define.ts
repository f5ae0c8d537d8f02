import { defineElement } from '../base/define.js';
import { EhrPatientBanner } from './patient-banner.js';

defineElement('ehr-patient-banner', EhrPatientBanner);

export { EhrPatientBanner };
export type { BannerToggleDetail } from './patient-banner.js';
export default EhrPatientBanner;
