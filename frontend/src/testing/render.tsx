import { useState, type ReactNode } from 'react';
import { Router, useLocation, useSearch } from 'wouter';
import { memoryLocation } from 'wouter/memory-location';

/** Shows the current location so tests can assert in-app navigation. */
export function LocationProbe() {
  const [pathname] = useLocation();
  const search = useSearch();
  return <output data-testid="location">{`${pathname}${search ? `?${search}` : ''}`}</output>;
}

/** A router that keeps its address in memory, starting at `route` (path and query). */
export function MemoryRouter({ route, children }: { route: string; children: ReactNode }) {
  // Created once: a new memory location on every render would send the app back to `route`.
  const [{ hook }] = useState(() => memoryLocation({ path: route }));
  return <Router hook={hook}>{children}</Router>;
}
