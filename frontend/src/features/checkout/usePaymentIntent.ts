import { useCallback, useEffect, useRef, useState } from 'react';
import { isApiError, type PaymentIntentResponse } from '../../lib/api';
import { useDebounced } from '../../lib/useDebounced';
import { useLatest } from '../../lib/useLatest';
import type { CartLine } from '../cart/cartReducer';
import { createPaymentIntent } from './api';
import type { CheckoutDetails } from './checkoutDetails';
import { fieldErrorsFrom, type SectionErrors } from './fieldErrors';
import { stockShortagesFrom } from './stockShortage';

/**
 * - empty: no cart; loading: no quote yet; ready: the quote shown is the server's for what is
 *   on the form now; updating: the form or cart changed since (a request is due or running);
 *   invalid: the server refused a field; error: the last request failed otherwise.
 */
export type PaymentIntentStatus = 'empty' | 'loading' | 'updating' | 'ready' | 'invalid' | 'error';

/** How long the form must rest before its values are sent (typing sends one request, not ten). */
export const DETAILS_DEBOUNCE_MS = 400;

interface Request {
  key: string;
  cartId: string;
  items: CartLine[];
  details: CheckoutDetails;
}

interface Options {
  /** The server says this cart was already paid (409 `cart_already_paid`). */
  onAlreadyPaid: () => void;
  /** A PaymentIntent was created or updated for this cart, for these details. */
  onIntent?: (cartId: string, intent: PaymentIntentResponse, details: CheckoutDetails) => void;
}

/** Everything a quote depends on, as one string: equal strings, equal requests. */
function keyOf(cartId: string, items: CartLine[], details: CheckoutDetails): string | null {
  return items.length > 0 ? JSON.stringify({ cartId, items, details }) : null;
}

function sameQuote(a: PaymentIntentResponse, b: PaymentIntentResponse): boolean {
  return a.quoteId === b.quoteId && a.clientSecret === b.clientSecret;
}

function parse(key: string): Request {
  return { key, ...(JSON.parse(key) as Omit<Request, 'key'>) };
}

/**
 * Keeps the server's PaymentIntent in step with the cart and the checkout form. The form's
 * values go out once they have rested for DETAILS_DEBOUNCE_MS; requests are sent one at a time,
 * always for the newest values, so the last answer shown is the amount the server will charge.
 * React StrictMode's second effect run joins the request already running.
 */
export function usePaymentIntent(items: CartLine[], cartId: string, details: CheckoutDetails, options: Options) {
  const currentKey = keyOf(cartId, items, details);
  const debounced = useDebounced(details, JSON.stringify(details), DETAILS_DEBOUNCE_MS);
  const sentKey = keyOf(cartId, items, debounced.value);

  const [result, setResult] = useState<{ key: string; intent: PaymentIntentResponse } | null>(null);
  const [failure, setFailure] = useState<{ key: string; error: unknown } | null>(null);
  // From the latest answer, whatever it was for: they stay while the shopper corrects them.
  const [fieldErrors, setFieldErrors] = useState<SectionErrors | null>(null);
  const [retries, setRetries] = useState(0);
  // At most one automatic retry in a row: spent when used, given back by a success or by the
  // shopper's own retry, so a provider that stays down is not retried in a loop.
  const [automaticRetrySpent, setAutomaticRetrySpent] = useState(false);

  const wanted = useRef<Request | null>(null);
  const lastSettledKey = useRef<string | null>(null);
  const running = useRef(false);
  const mounted = useRef(false);
  const optionsRef = useLatest(options);
  const currentKeyRef = useLatest(currentKey);

  /** Records the answer to `request`; returns the field errors when it was a refusal of fields. */
  const settle = useCallback(
    (request: Request, outcome: { intent: PaymentIntentResponse } | { error: unknown }) => {
      lastSettledKey.current = request.key;
      if ('intent' in outcome) {
        optionsRef.current.onIntent?.(request.cartId, outcome.intent, request.details);
        if (!mounted.current) return;
        // The same quote again (the check before paying) keeps its object: nothing re-renders,
        // and the Payment Element is not asked to fetch updates for an amount that did not change.
        setResult((previous) => ({
          key: request.key,
          intent: previous && sameQuote(previous.intent, outcome.intent) ? previous.intent : outcome.intent,
        }));
        setFailure(null);
        setFieldErrors(null);
        setAutomaticRetrySpent(false);
        return;
      }
      if (!mounted.current) return;
      const { error } = outcome;
      if (isApiError(error) && error.code === 'cart_already_paid') optionsRef.current.onAlreadyPaid();
      const refused = fieldErrorsFrom(error);
      if (refused) setFieldErrors(refused);
      setFailure({ key: request.key, error });
    },
    [optionsRef],
  );

  const pump = useCallback(async () => {
    if (running.current) return;
    running.current = true;
    try {
      while (wanted.current && wanted.current.key !== lastSettledKey.current) {
        const request = wanted.current;
        try {
          const intent = await createPaymentIntent(request.items, request.cartId, request.details);
          settle(request, { intent });
        } catch (error) {
          settle(request, { error });
        }
      }
    } finally {
      running.current = false;
    }
  }, [settle]);

  useEffect(() => {
    mounted.current = true;
    // The key holds the cart and the details, so the effect depends on nothing else.
    wanted.current = sentKey === null ? null : parse(sentKey);
    void pump();
    return () => {
      mounted.current = false;
    };
  }, [sentKey, retries, pump]);

  const sendAgain = useCallback((automatic: boolean) => {
    lastSettledKey.current = null;
    // The error goes while the new request runs: the page shows it loading, not failed.
    setFailure(null);
    setAutomaticRetrySpent(automatic);
    setRetries((n) => n + 1);
  }, []);
  const retry = useCallback(() => sendAgain(false), [sendAgain]);
  const retryAutomatically = useCallback(() => sendAgain(true), [sendAgain]);

  /**
   * Sends the form's current values now and resolves with the server's quote for them (shown
   * at once), for a last look before paying: another tab may have changed the order. A refusal
   * of fields is shown beside them as usual, and too few copies beside the summary (both hold
   * Pay until the form or the cart changes); every failure rejects.
   */
  const requote = useCallback(async (): Promise<PaymentIntentResponse> => {
    const key = currentKeyRef.current;
    if (key === null) throw new Error('There is nothing to pay for.');
    const request = parse(key);
    try {
      const intent = await createPaymentIntent(request.items, request.cartId, request.details);
      settle(request, { intent });
      return intent;
    } catch (error) {
      // Only a refusal of fields or of copies changes the page; any other failure is the pay
      // button's to say.
      if (fieldErrorsFrom(error) || stockShortagesFrom(error)) settle(request, { error });
      throw error;
    }
  }, [currentKeyRef, settle]);

  let status: PaymentIntentStatus;
  if (currentKey === null) status = 'empty';
  else if (failure && failure.key === sentKey) status = fieldErrorsFrom(failure.error) ? 'invalid' : 'error';
  else if (result?.key === currentKey) status = 'ready';
  else status = result ? 'updating' : 'loading';

  return {
    status,
    intent: currentKey === null ? null : (result?.intent ?? null),
    error: status === 'error' || status === 'invalid' ? (failure?.error ?? null) : null,
    fieldErrors: currentKey === null ? null : fieldErrors,
    /** The shopper's retry. */
    retry,
    /** A retry nobody asked for (after Retry-After), or null once the one allowed is spent. */
    retryAutomatically: automaticRetrySpent ? null : retryAutomatically,
    requote,
  };
}
