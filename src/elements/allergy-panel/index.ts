/** Class only (no registration): for scoped registries or a custom tag. */
export { EhrAllergyPanel } from './allergy-panel.js';
