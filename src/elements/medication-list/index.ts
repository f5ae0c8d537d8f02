/** Class only (no registration): for scoped registries or a custom tag. */
export { EhrMedicationList, type MedicationSelectDetail } from './medication-list.js';
