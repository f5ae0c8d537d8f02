import { defineElement } from '../base/define.js';
import { EhrSourceBadge } from '../source-badge/source-badge.js';
import { EhrConsentDialog } from './consent-dialog.js';

// Consents show <ehr-source-badge>s, so registering the dialog registers the badge too.
defineElement('ehr-source-badge', EhrSourceBadge);
defineElement('ehr-consent-dialog', EhrConsentDialog);

export { EhrConsentDialog };
export type { ConsentSaveDetail, ConsentRevokeDetail, ConsentCloseDetail, ConsentOrganization } from './consent-dialog.js';
export default EhrConsentDialog;
