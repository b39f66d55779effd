import { useCallback, useEffect, useState } from 'react';
import { isApiError, type OrderView } from '../../lib/api';
import { getOrder } from './api';
import { mayStillChange } from './orderOutcome';

/** How the page keeps asking for an order that may still change by itself. */
export interface PollingOptions {
  /** The wait before asking the second time; each wait after is `factor` times the last... */
  firstDelayMs: number;
  factor: number;
  /** ...up to this. */
  maxDelayMs: number;
  /** How long the webhook is expected to take: until then the page says it is confirming. */
  patienceMs: number;
}

type State =
  | { phase: 'loading' }
  /** `soon`: the webhook may still land any moment (within `patienceMs` of opening). */
  | { phase: 'loaded'; order: OrderView; soon: boolean }
  | { phase: 'error'; error: unknown };

/**
 * Loads the order, then while it may still change by itself (the payment succeeded or is
 * processing, the webhook has not landed; or a refund is on its way), asks again: soon at
 * first, then less and less often (a debit can take days), and never while the tab is hidden,
 * asking at once when it is shown again if an ask fell due meanwhile. A failed lookup after
 * the first keeps the order shown and tries again later, no sooner than a busy server asks.
 */
export function useOrderStatus(paymentIntentId: string, clientSecret: string, polling: PollingOptions) {
  const [state, setState] = useState<State>({ phase: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const { firstDelayMs, factor, maxDelayMs, patienceMs } = polling;

  useEffect(() => {
    const opened = Date.now();
    let active = true;
    let loaded = false;
    let delay = firstDelayMs;
    let timer: ReturnType<typeof setTimeout> | undefined;
    // An ask fell due while the tab was hidden: made when the tab is shown.
    let due = false;

    const ask = async () => {
      let wait = delay;
      try {
        const order = await getOrder(paymentIntentId, clientSecret);
        if (!active) return;
        loaded = true;
        const keepAsking = mayStillChange(order);
        setState({ phase: 'loaded', order, soon: keepAsking && Date.now() - opened < patienceMs });
        if (!keepAsking) return;
      } catch (error) {
        if (!active) return;
        if (!loaded) {
          setState({ phase: 'error', error });
          return;
        }
        if (isApiError(error) && error.retryAfter) wait = Math.max(wait, error.retryAfter * 1000);
      }
      delay = Math.min(maxDelayMs, delay * factor);
      timer = setTimeout(() => {
        if (document.visibilityState === 'hidden') due = true;
        else void ask();
      }, wait);
    };
    const onVisibilityChange = () => {
      if (!due || document.visibilityState === 'hidden') return;
      due = false;
      void ask();
    };

    document.addEventListener('visibilitychange', onVisibilityChange);
    void ask();
    return () => {
      active = false;
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisibilityChange);
    };
  }, [paymentIntentId, clientSecret, firstDelayMs, factor, maxDelayMs, patienceMs, attempt]);

  const retry = useCallback(() => {
    setState({ phase: 'loading' });
    setAttempt((n) => n + 1);
  }, []);

  return { state, retry };
}
