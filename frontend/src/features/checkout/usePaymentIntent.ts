import { useCallback, useEffect, useRef, useState } from 'react';
import { isApiError, type PaymentIntentResponse } from '../../lib/api';
import { useLatest } from '../../lib/useLatest';
import type { CartLine } from '../cart/cartReducer';
import { createPaymentIntent } from './api';

export type PaymentIntentStatus = 'empty' | 'loading' | 'updating' | 'ready' | 'error';

interface Request {
  key: string;
  cartId: string;
  items: CartLine[];
}

interface Options {
  /** The server says this cart was already paid (409 `cart_already_paid`). */
  onAlreadyPaid: () => void;
  /** A PaymentIntent was created or updated for this cart. */
  onIntent?: (cartId: string, intent: PaymentIntentResponse) => void;
}

/**
 * Keeps the server's PaymentIntent in step with the cart. Requests are sent one at a
 * time, always for the newest cart, so the last answer shown is the amount the server
 * will charge; React StrictMode's second effect run joins the request already running.
 */
export function usePaymentIntent(items: CartLine[], cartId: string, options: Options) {
  const key = items.length > 0 ? JSON.stringify({ cartId, items }) : null;
  const [result, setResult] = useState<{ key: string; intent: PaymentIntentResponse } | null>(null);
  const [failure, setFailure] = useState<{ key: string; error: unknown } | null>(null);
  const [retries, setRetries] = useState(0);
  // At most one automatic retry in a row: spent when used, given back by a success or by the
  // shopper's own retry, so a provider that stays down is not retried in a loop.
  const [automaticRetrySpent, setAutomaticRetrySpent] = useState(false);

  const wanted = useRef<Request | null>(null);
  const lastSettledKey = useRef<string | null>(null);
  const running = useRef(false);
  const mounted = useRef(false);
  const optionsRef = useLatest(options);

  const pump = useCallback(async () => {
    if (running.current) return;
    running.current = true;
    try {
      while (wanted.current && wanted.current.key !== lastSettledKey.current) {
        const request = wanted.current;
        try {
          const intent = await createPaymentIntent(request.items, request.cartId);
          lastSettledKey.current = request.key;
          optionsRef.current.onIntent?.(request.cartId, intent);
          if (mounted.current) {
            setResult({ key: request.key, intent });
            setFailure(null);
            setAutomaticRetrySpent(false);
          }
        } catch (error) {
          lastSettledKey.current = request.key;
          if (!mounted.current) continue;
          if (isApiError(error) && error.code === 'cart_already_paid') {
            optionsRef.current.onAlreadyPaid();
          }
          setFailure({ key: request.key, error });
        }
      }
    } finally {
      running.current = false;
    }
  }, [optionsRef]);

  useEffect(() => {
    mounted.current = true;
    // The key holds the cart itself, so the effect depends on nothing else.
    wanted.current = key === null ? null : { key, ...(JSON.parse(key) as Omit<Request, 'key'>) };
    void pump();
    return () => {
      mounted.current = false;
    };
  }, [key, retries, pump]);

  const sendAgain = useCallback((automatic: boolean) => {
    lastSettledKey.current = null;
    // The error goes while the new request runs: the page shows it loading, not failed.
    setFailure(null);
    setAutomaticRetrySpent(automatic);
    setRetries((n) => n + 1);
  }, []);
  const retry = useCallback(() => sendAgain(false), [sendAgain]);
  const retryAutomatically = useCallback(() => sendAgain(true), [sendAgain]);

  let status: PaymentIntentStatus;
  if (key === null) status = 'empty';
  else if (failure?.key === key) status = 'error';
  else if (result?.key === key) status = 'ready';
  else status = result ? 'updating' : 'loading';

  return {
    status,
    intent: key === null ? null : (result?.intent ?? null),
    error: failure?.key === key ? failure.error : null,
    /** The shopper's retry. */
    retry,
    /** A retry nobody asked for (after Retry-After), or null once the one allowed is spent. */
    retryAutomatically: automaticRetrySpent ? null : retryAutomatically,
  };
}
