import type { ReactNode } from 'react';

/**
 * A table that scrolls sideways on a narrow screen rather than squeezing its columns. The
 * scrolling box is a labelled region that takes focus, so keyboards can scroll it too.
 */
export function TableScroll({ label, busy = false, children }: { label: string; busy?: boolean; children: ReactNode }) {
  return (
    <div className="admin-table-scroll" role="region" aria-label={label} aria-busy={busy || undefined} tabIndex={0}>
      {children}
    </div>
  );
}
