/** Class only (no registration): for scoped registries or a custom tag. */
export { EhrLabTimeline, type LabTimelineView, type LabTimelineDensity, type LabViewChangeDetail } from './lab-timeline.js';
