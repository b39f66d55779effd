import { useCallback, useEffect, useState } from 'react';
import type { OrderView } from '../../lib/api';
import { getOrder } from './api';
import { mayStillChange } from './orderOutcome';

export interface PollingOptions {
  /** How often to ask while the webhook is expected any moment... */
  intervalMs: number;
  /** ...for this many times; then every `slowIntervalMs`, for as long as the page is open. */
  maxPolls: number;
  slowIntervalMs: number;
}

type State =
  | { phase: 'loading' }
  /** `soon`: still in the first, quick round of asking. */
  | { phase: 'loaded'; order: OrderView; soon: boolean }
  | { phase: 'error'; error: unknown };

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Loads the order, then while it may still change by itself (the payment succeeded or is
 * processing, the webhook has not landed; or a refund is on its way), asks again: every
 * `intervalMs` for `maxPolls` times, then every `slowIntervalMs` until it is paid, failed or
 * refunded. A failed lookup after the first keeps the order shown and tries again later.
 */
export function useOrderStatus(paymentIntentId: string, clientSecret: string, polling: PollingOptions) {
  const [state, setState] = useState<State>({ phase: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const { intervalMs, maxPolls, slowIntervalMs } = polling;

  useEffect(() => {
    let active = true;
    let loaded = false;
    void (async () => {
      for (let poll = 0; active; poll += 1) {
        const soon = poll < maxPolls;
        try {
          const order = await getOrder(paymentIntentId, clientSecret);
          if (!active) return;
          loaded = true;
          const keepAsking = mayStillChange(order);
          setState({ phase: 'loaded', order, soon: soon && keepAsking });
          if (!keepAsking) return;
        } catch (error) {
          if (!active) return;
          if (!loaded) {
            setState({ phase: 'error', error });
            return;
          }
        }
        await wait(soon ? intervalMs : slowIntervalMs);
      }
    })();
    return () => {
      active = false;
    };
  }, [paymentIntentId, clientSecret, intervalMs, maxPolls, slowIntervalMs, attempt]);

  const retry = useCallback(() => {
    setState({ phase: 'loading' });
    setAttempt((n) => n + 1);
  }, []);

  return { state, retry };
}
