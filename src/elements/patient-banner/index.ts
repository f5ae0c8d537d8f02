/** Class only (no registration): for scoped registries or a custom tag. */
export { EhrPatientBanner, type BannerToggleDetail } from './patient-banner.js';
