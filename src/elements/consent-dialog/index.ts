/** Class only (no registration): for scoped registries or a custom tag. */
export { EhrConsentDialog, type ConsentSaveDetail, type ConsentRevokeDetail, type ConsentCloseDetail, type ConsentOrganization } from './consent-dialog.js';
