import { defineElement } from '../base/define.js';
import { EhrSourceBadge } from '../source-badge/source-badge.js';
import { EhrLabTimeline } from './lab-timeline.js';

// Rows show <ehr-source-badge>s, so registering the timeline registers the badge too.
defineElement('ehr-source-badge', EhrSourceBadge);
defineElement('ehr-lab-timeline', EhrLabTimeline);

export { EhrLabTimeline };
export type { LabTimelineView, LabTimelineDensity, LabViewChangeDetail } from './lab-timeline.js';
export default EhrLabTimeline;
