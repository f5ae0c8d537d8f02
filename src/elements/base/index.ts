export { EhrElement, EhrDataElement, baseStyles, type EmitOptions } from './ehr-element.js';
export { defineElement } from './define.js';
export { storeContext, patientContext, launchContext, syncStateContext, userContext } from './context.js';
export { LiveQueryController, type LiveQueryStatus, type LiveQueryOptions, type LiveQueryRenderers } from './live-query-controller.js';
export { patientQuery } from './patient-query.js';
export { sourceStatus } from './source-status-controller.js';
export {
  SourceStatusController,
  OnlineController,
  DEFAULT_STALE_AFTER,
  type SourceState,
  type SourceStatusOptions,
} from './source-status-controller.js';
export { token, lightTokens, darkTokens, hostThemeStyles, documentThemeCss, adoptThemeStyles, tokenDeclarations, type TokenName } from './tokens.js';
export { stateStyles } from './state-styles.js';
export { calloutStyles } from './callout-styles.js';
export { renderCallout, renderCalloutMark, type CalloutKind, type CalloutOptions } from './callout.js';
export { renderSkeleton, renderEmpty, renderError, renderPartial, renderStale, renderOffline, renderSourceNotices, errorMessage } from './state-views.js';
export { headingLevel, renderHeading } from './heading.js';
export * from './localize/index.js';
export type * from './store-types.js';
export type * from './events.js';
