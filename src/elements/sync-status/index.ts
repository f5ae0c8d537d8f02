/** Class only (no registration): for scoped registries or a custom tag. */
export { EhrSyncStatus } from './sync-status.js';
