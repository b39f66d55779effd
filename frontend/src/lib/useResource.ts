import { useCallback, useEffect, useRef, useState } from 'react';
import { useLatest } from './useLatest';

export type ResourceState<T> =
  | { status: 'loading' }
  | { status: 'success'; data: T }
  | { status: 'error'; error: unknown };

const LOADING = { status: 'loading' } as const;

interface Settled<T> {
  requestKey: string;
  state: ResourceState<T>;
}

/**
 * Loads `key` once with `load` and exposes loading / success / error plus `reload`.
 * The request for a key is shared by every run of the effect, so React StrictMode's
 * double effect (and re-renders) do not send it twice.
 */
export function useResource<T>(key: string, load: () => Promise<T>) {
  const [attempt, setAttempt] = useState(0);
  const [settled, setSettled] = useState<Settled<T> | null>(null);
  const loadRef = useLatest(load);
  const pending = useRef<{ requestKey: string; promise: Promise<T> } | null>(null);
  const requestKey = `${attempt}:${key}`;

  useEffect(() => {
    if (pending.current?.requestKey !== requestKey) {
      pending.current = { requestKey, promise: loadRef.current() };
    }
    let active = true;
    pending.current.promise.then(
      (data) => {
        if (active) setSettled({ requestKey, state: { status: 'success', data } });
      },
      (error: unknown) => {
        if (active) setSettled({ requestKey, state: { status: 'error', error } });
      },
    );
    return () => {
      active = false;
    };
  }, [requestKey, loadRef]);

  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  const state: ResourceState<T> =
    settled?.requestKey === requestKey ? settled.state : LOADING;
  return { state, reload };
}
