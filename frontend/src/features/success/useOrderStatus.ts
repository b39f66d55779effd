import { useCallback, useEffect, useState } from 'react';
import type { OrderView } from '../../lib/api';
import { getOrder } from './api';
import { outcomeOf } from './orderOutcome';

export interface PollingOptions {
  intervalMs: number;
  maxPolls: number;
}

type State =
  | { phase: 'loading' }
  | { phase: 'loaded'; order: OrderView; polling: boolean }
  | { phase: 'error'; error: unknown };

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Loads the order, then while the payment is confirmed but the order is not yet paid
 * (the webhook has not arrived), asks again every `intervalMs`, up to `maxPolls` times.
 */
export function useOrderStatus(paymentIntentId: string, clientSecret: string, polling: PollingOptions) {
  const [state, setState] = useState<State>({ phase: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const { intervalMs, maxPolls } = polling;

  useEffect(() => {
    let active = true;
    void (async () => {
      try {
        for (let poll = 0; active; poll += 1) {
          const order = await getOrder(paymentIntentId, clientSecret);
          if (!active) return;
          const keepPolling = poll < maxPolls && outcomeOf(order, true) === 'confirming';
          setState({ phase: 'loaded', order, polling: keepPolling });
          if (!keepPolling) return;
          await wait(intervalMs);
        }
      } catch (error) {
        if (active) setState({ phase: 'error', error });
      }
    })();
    return () => {
      active = false;
    };
  }, [paymentIntentId, clientSecret, intervalMs, maxPolls, attempt]);

  const retry = useCallback(() => {
    setState({ phase: 'loading' });
    setAttempt((n) => n + 1);
  }, []);

  return { state, retry };
}
