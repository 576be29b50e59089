import { useVirtualizer, type VirtualItem } from '@tanstack/react-virtual';
import { useRef, type CSSProperties } from 'react';

/**
 * A long list of rows of one height, of which only those on screen (plus `overscan` either side) are
 * rendered: put `scrollRef` on the scrolling box, and draw `virtualizer.getVirtualItems()` in a box
 * `virtualizer.getTotalSize()` high, each row with `rowStyle(item)` (which places it).
 */
export function useVirtualRows(count: number, rowHeight: number, overscan: number) {
  const scrollRef = useRef<HTMLDivElement>(null);
  // No React Compiler in this app; the virtualizer re-renders the list itself on scroll.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan,
  });
  const rowStyle = (item: VirtualItem): CSSProperties => ({
    position: 'absolute',
    top: 0,
    left: 0,
    width: '100%',
    height: rowHeight,
    transform: `translateY(${item.start}px)`,
  });
  return { scrollRef, virtualizer, rowStyle };
}
