/**
 * Pure FHIR R4 logic for ehr-elements: no DOM, no storage, no network. Every function takes
 * plain resources (or parts of them) and returns plain data: stable keys for the element layer
 * to localize, and display strings that keep what was recorded (precision, units, names).
 */
export * from './dates.js';
export * from './names.js';
export * from './gender.js';
export * from './identifiers.js';
export * from './codings.js';
export * from './quantities.js';
export * from './references.js';
export * from './status.js';
export * from './medications.js';
export * from './patient-identity.js';
export * from './patient-details.js';
export * from './allergy-overview.js';
export * from './allergy-rows.js';
export * from './medication-rows.js';
export * from './identifier-systems.js';
export * from './completeness.js';
export * from './lookup.js';
export * from './match-groups.js';
export * from './direction.js';
export * from './smart-scopes.js';
export * from './smart-style.js';
