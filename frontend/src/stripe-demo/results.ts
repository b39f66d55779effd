/**
 * Stripe.js's result shapes for the stand-in: `{error}` with a StripeError, IntegrationError for
 * a call Stripe.js refuses outright, and a PaymentIntent turned into `{paymentIntent}` or `{error}`.
 */
import type { PaymentIntent, StripeError } from '@stripe/stripe-js';
import { isApiError, type DemoPaymentIntent } from '../lib/api';

export const FALLBACK_MESSAGE = 'Your payment could not be completed. Please try again.';

export type PaymentIntentResult = { paymentIntent: PaymentIntent } | { error: StripeError };

/** What Stripe.js throws for a call made the wrong way (a bug in the page, not the shopper's doing). */
export class IntegrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IntegrationError';
  }
}

export function stripeError(error: Partial<StripeError> & { message: string }): { error: StripeError } {
  return { error: { type: 'api_error', ...error } };
}

function errorType(status: number): StripeError['type'] {
  if (status === 0) return 'api_connection_error';
  if (status === 402) return 'card_error';
  if (status === 429) return 'rate_limit_error';
  return status >= 400 && status < 500 ? 'invalid_request_error' : 'api_error';
}

/** Turns a failed /demo call into the error shape Stripe.js resolves with. */
export function errorFromApi(error: unknown): { error: StripeError } {
  if (!isApiError(error)) return stripeError({ message: FALLBACK_MESSAGE });
  const details = (error.status === 402 ? (error.details ?? {}) : {}) as { decline_code?: string };
  return stripeError({
    type: errorType(error.status),
    code: error.code,
    decline_code: details.decline_code,
    message: error.message,
  });
}

/** Maps a PaymentIntent after an attempt to Stripe.js's `{paymentIntent}` or `{error}`. */
export function resultOf(intent: DemoPaymentIntent): PaymentIntentResult {
  if (intent.status === 'succeeded' || intent.status === 'processing') {
    return { paymentIntent: intent as unknown as PaymentIntent };
  }
  const failure = intent.last_payment_error;
  return stripeError({
    type: failure ? 'card_error' : 'invalid_request_error',
    code: failure?.code ?? 'payment_intent_unexpected_state',
    decline_code: failure?.decline_code ?? undefined,
    message: failure?.message ?? FALLBACK_MESSAGE,
    payment_intent: intent as unknown as PaymentIntent,
  });
}

/** Stripe's client secrets are "<PaymentIntent id>_secret_<random>". */
export function paymentIntentIdFrom(clientSecret: string): string | null {
  const index = clientSecret.indexOf('_secret_');
  return index > 0 ? clientSecret.slice(0, index) : null;
}
