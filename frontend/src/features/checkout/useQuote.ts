import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { isApiError, type QuoteResponse } from '../../lib/api';
import { useDebounced } from '../../lib/useDebounced';
import { useLatest } from '../../lib/useLatest';
import type { CartLine } from '../cart/cartReducer';
import { fetchQuote } from './api';
import type { CheckoutDetails } from './checkoutDetails';
import { fieldErrorsFrom, type SectionErrors } from './fieldErrors';

/**
 * - empty: no cart; loading: no quote yet; ready: the quote shown is the server's for what is
 *   on the form now; updating: the form or cart changed since (a request is due or running);
 *   invalid: the server refused a field; error: the last request failed otherwise.
 */
export type QuoteStatus = 'empty' | 'loading' | 'updating' | 'ready' | 'invalid' | 'error';

/** How long the form must rest before its values are sent (typing sends one request, not ten). */
export const DETAILS_DEBOUNCE_MS = 400;

/** The values a quote is for, and the string that identifies them. */
export interface QuoteInputs {
  key: string;
  cartId: string;
  items: CartLine[];
  details: CheckoutDetails;
}

/** What the server said about some inputs: their quote, or why it would not give one. */
export type QuoteOutcome = { quote: QuoteResponse } | { error: unknown };

interface Options {
  /** The server says this cart was already paid (409 `cart_already_paid`). */
  onAlreadyPaid: () => void;
  /** The server quoted these details for this cart (so it accepts them). */
  onQuote?: (cartId: string, quote: QuoteResponse, details: CheckoutDetails) => void;
  /** While true nothing is sent (the shopper is paying); what changed meanwhile goes after. */
  paused?: boolean;
}

/** Everything a quote depends on, as one string: equal strings, equal requests. */
function keyOf(cartId: string, items: CartLine[], details: CheckoutDetails): string | null {
  return items.length > 0 ? JSON.stringify({ cartId, items, details }) : null;
}

function parse(key: string): QuoteInputs {
  return { key, ...(JSON.parse(key) as Omit<QuoteInputs, 'key'>) };
}

/**
 * Keeps the server's quote in step with the cart and the checkout form. The form's values go
 * out once they have rested for DETAILS_DEBOUNCE_MS; requests are sent one at a time, always
 * for the newest values, so the last answer shown is for what is on the form. React
 * StrictMode's second effect run joins the request already running.
 */
export function useQuote(items: CartLine[], cartId: string, details: CheckoutDetails, options: Options) {
  const paused = options.paused ?? false;
  const currentKey = keyOf(cartId, items, details);
  const debounced = useDebounced(details, JSON.stringify(details), DETAILS_DEBOUNCE_MS);
  const sentKey = keyOf(cartId, items, debounced.value);
  const inputs = useMemo(() => (currentKey === null ? null : parse(currentKey)), [currentKey]);

  const [result, setResult] = useState<{ key: string; quote: QuoteResponse } | null>(null);
  const [failure, setFailure] = useState<{ key: string; error: unknown } | null>(null);
  // From the latest answer, whatever it was for: they stay while the shopper corrects them.
  const [fieldErrors, setFieldErrors] = useState<SectionErrors | null>(null);
  const [retries, setRetries] = useState(0);
  // At most one automatic retry in a row: spent when used, given back by a success or by the
  // shopper's own retry, so a provider that stays down is not retried in a loop.
  const [automaticRetrySpent, setAutomaticRetrySpent] = useState(false);

  const wanted = useRef<QuoteInputs | null>(null);
  const lastSettledKey = useRef<string | null>(null);
  const running = useRef(false);
  const mounted = useRef(false);
  const optionsRef = useLatest(options);
  const pausedRef = useLatest(paused);

  /** Records what the server said about `request`, from a quote or from Pay. */
  const settle = useCallback(
    (request: QuoteInputs, outcome: QuoteOutcome) => {
      lastSettledKey.current = request.key;
      if ('quote' in outcome) {
        optionsRef.current.onQuote?.(request.cartId, outcome.quote, request.details);
        if (!mounted.current) return;
        // The same quote again keeps its object: nothing re-renders, Elements are not updated.
        setResult((previous) => ({
          key: request.key,
          quote: previous?.quote.quoteId === outcome.quote.quoteId ? previous.quote : outcome.quote,
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
      while (!pausedRef.current && wanted.current && wanted.current.key !== lastSettledKey.current) {
        const request = wanted.current;
        try {
          settle(request, { quote: await fetchQuote(request.items, request.cartId, request.details) });
        } catch (error) {
          settle(request, { error });
        }
      }
    } finally {
      running.current = false;
    }
  }, [settle, pausedRef]);

  useEffect(() => {
    mounted.current = true;
    // The key holds the cart and the details, so the effect depends on nothing else; `paused`
    // is here so that what changed while paying is sent once paying ends.
    wanted.current = sentKey === null ? null : parse(sentKey);
    if (!paused) void pump();
    return () => {
      mounted.current = false;
    };
  }, [sentKey, retries, paused, pump]);

  const sendAgain = useCallback((automatic: boolean) => {
    lastSettledKey.current = null;
    // The error goes while the new request runs: the page shows it loading, not failed.
    setFailure(null);
    setAutomaticRetrySpent(automatic);
    setRetries((n) => n + 1);
  }, []);
  const retry = useCallback(() => sendAgain(false), [sendAgain]);
  const retryAutomatically = useCallback(() => sendAgain(true), [sendAgain]);

  let status: QuoteStatus;
  if (currentKey === null) status = 'empty';
  else if (failure && failure.key === sentKey) status = fieldErrorsFrom(failure.error) ? 'invalid' : 'error';
  else if (result?.key === currentKey) status = 'ready';
  else status = result ? 'updating' : 'loading';

  return {
    status,
    quote: currentKey === null ? null : (result?.quote ?? null),
    error: status === 'error' || status === 'invalid' ? (failure?.error ?? null) : null,
    fieldErrors: currentKey === null ? null : fieldErrors,
    /** The values on the form and in the cart now (what Pay sends), null for an empty cart. */
    inputs,
    /** Records Pay's word on the inputs it sent: a new quote, or a refusal of fields or copies. */
    settle,
    /** The shopper's retry. */
    retry,
    /** A retry nobody asked for (after Retry-After), or null once the one allowed is spent. */
    retryAutomatically: automaticRetrySpent ? null : retryAutomatically,
  };
}
