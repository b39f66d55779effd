import { useEffect, useState } from 'react';
import { useLatest } from './useLatest';

/**
 * `value` once it has stayed the same for `delayMs`; the first value is returned at once.
 * Sameness is decided by `key` (a serialisation of the value), so a new object holding the
 * same data neither restarts the wait nor changes what is returned.
 */
export function useDebounced<T>(value: T, key: string, delayMs: number): { value: T; key: string } {
  const [settled, setSettled] = useState({ key, value });
  const latest = useLatest(value);

  useEffect(() => {
    if (key === settled.key) return;
    const timer = window.setTimeout(() => setSettled({ key, value: latest.current }), delayMs);
    return () => window.clearTimeout(timer);
  }, [key, delayMs, settled.key, latest]);

  return settled;
}
