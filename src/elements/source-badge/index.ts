/** Class only (no registration): for scoped registries or a custom tag. */
export { EhrSourceBadge } from './source-badge.js';
