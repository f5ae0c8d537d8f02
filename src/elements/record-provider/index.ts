/** Class only (no registration): for scoped registries or a custom tag. */
export { EhrRecordProvider } from './record-provider.js';
