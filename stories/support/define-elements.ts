import { defineElement } from '../../src/elements/base/define.js';
import { EhrRecordProvider } from '../../src/elements/record-provider/record-provider.js';
import { EhrSourceBadge } from '../../src/elements/source-badge/source-badge.js';
import { EhrSyncStatus } from '../../src/elements/sync-status/sync-status.js';

/**
 * Registers the elements the stories use. Called (not just imported) from each story module:
 * package.json says `"sideEffects": false`, so a production build (`storybook build`) drops a bare
 * `import '…/define.js'` and the tags would never be registered.
 */
export function defineStoryElements(): void {
  defineElement('ehr-record-provider', EhrRecordProvider);
  defineElement('ehr-source-badge', EhrSourceBadge);
  defineElement('ehr-sync-status', EhrSyncStatus);
}
