/**
 * Row windowing for long lists and grids, loaded with `import()` only when a view has more rows
 * than it renders at once (`WINDOW_FROM`): `@tanstack/virtual-core` is ~10 KB gzip that a
 * patient with a handful of tests never needs.
 *
 * Why `@tanstack/lit-virtual` and not `@lit-labs/virtualizer`: the latter owns the list's DOM
 * (it renders the items inside its own element and positions them itself), which breaks table
 * and ARIA-grid row semantics and sticky headers and first columns. Tanstack only computes which
 * rows are in view and where; the element keeps its own `role="row"` markup, its sticky header
 * (outside the positioned rows) and its sticky first column, and measures rows of any height.
 */
import type { ReactiveControllerHost } from 'lit';
import { VirtualizerController } from '@tanstack/lit-virtual';

/** A virtualizer over the element's scrolling box (rows measured as they render). */
export function createWindowing(host: ReactiveControllerHost, scroller: () => HTMLElement | null): VirtualizerController<HTMLElement, HTMLElement> {
  const controller = new VirtualizerController<HTMLElement, HTMLElement>(host, {
    count: 0,
    getScrollElement: scroller,
    // A row is at least one 44 px target high; most are exactly that.
    estimateSize: () => 45,
    overscan: 6,
  });
  // Rows change height only when opened (a trend) or measured for the first time: the reader's
  // place must not move then, so the virtualizer does not shift the scroll position on its own.
  controller.getVirtualizer().shouldAdjustScrollPositionOnItemSizeChange = () => false;
  return controller;
}
