import { useCallback, useEffect, useRef, useState } from 'react';
import { isAbortError, type OrderView } from '../../lib/api';
import { lookupOrder, type OrderLookupBody } from './api';

export type LookupState =
  | { phase: 'idle' }
  | { phase: 'loading' }
  | { phase: 'found'; order: OrderView }
  | { phase: 'failed'; error: unknown };

const IDLE: LookupState = { phase: 'idle' };

/**
 * One lookup at a time: a new one (or leaving the page) abandons the one in flight, whose
 * answer is then never shown.
 */
export function useOrderLookup() {
  const [state, setState] = useState<LookupState>(IDLE);
  const inFlight = useRef<AbortController | null>(null);

  useEffect(() => () => inFlight.current?.abort(), []);

  const find = useCallback(async (body: OrderLookupBody) => {
    inFlight.current?.abort();
    const controller = new AbortController();
    inFlight.current = controller;
    setState({ phase: 'loading' });
    try {
      const order = await lookupOrder(body, controller.signal);
      if (!controller.signal.aborted) setState({ phase: 'found', order });
    } catch (error) {
      if (!controller.signal.aborted && !isAbortError(error)) setState({ phase: 'failed', error });
    }
  }, []);

  const reset = useCallback(() => {
    inFlight.current?.abort();
    setState(IDLE);
  }, []);

  return { state, find, reset };
}
