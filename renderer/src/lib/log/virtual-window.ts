/**
 * Which rows of a fixed-row-height list are in (or near) the viewport. Only those are in the DOM; two
 * spacers stand in for the rest, so a run with 100 000 log lines costs a few dozen elements.
 */
export interface VirtualWindowInput {
  count: number;
  rowHeight: number;
  scrollTop: number;
  viewportHeight: number;
  /** Extra rows above and below, so fast scrolling does not show blanks. */
  overscan: number;
}

export interface VirtualWindow {
  /** First rendered index (inclusive). */
  start: number;
  /** Last rendered index (exclusive). */
  end: number;
  padTop: number;
  padBottom: number;
  totalHeight: number;
}

export function computeWindow(input: VirtualWindowInput): VirtualWindow {
  const { count, rowHeight, overscan } = input;
  const totalHeight = count * rowHeight;
  if (count === 0 || rowHeight <= 0) return { start: 0, end: 0, padTop: 0, padBottom: 0, totalHeight };
  const viewport = Math.max(0, input.viewportHeight);
  const maxTop = Math.max(0, totalHeight - viewport);
  const top = Math.min(Math.max(0, input.scrollTop), maxTop);
  // At the very bottom of a list shorter than a row past its end (a zero-height viewport), the first
  // row in view is still the last one, never one past it.
  const first = Math.min(count - 1, Math.floor(top / rowHeight));
  const visibleRows = Math.ceil(viewport / rowHeight) + 1;
  const start = Math.max(0, first - overscan);
  const end = Math.min(count, first + visibleRows + overscan);
  return { start, end, padTop: start * rowHeight, padBottom: (count - end) * rowHeight, totalHeight };
}

/** The scroll offset that shows the last row at the bottom of the viewport. */
export function bottomScrollTop(count: number, rowHeight: number, viewportHeight: number): number {
  return Math.max(0, count * rowHeight - viewportHeight);
}
