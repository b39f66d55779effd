import { useState } from 'react';
import type { ResourceState } from '../../../lib/useResource';

/**
 * The newest data a resource loaded, kept while the next key loads: a list stays on screen
 * (marked busy) while its next page comes, so the buttons that asked for it keep focus.
 */
export function useLatestData<T>(state: ResourceState<T>): T | null {
  const [latest, setLatest] = useState<T | null>(null);
  if (state.status === 'success' && state.data !== latest) setLatest(state.data);
  return state.status === 'success' ? state.data : latest;
}
