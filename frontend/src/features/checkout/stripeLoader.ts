import type { Stripe } from '@stripe/stripe-js';
import type { Config } from '../../lib/api';

/**
 * How long to wait for Stripe.js. A host that accepts the connection but never answers
 * makes the browser wait about a minute before the script fails; the shopper should hear
 * sooner that something is wrong (a later retry still picks the script up if it arrives).
 */
export const STRIPE_LOAD_TIMEOUT_MS = 15_000;

/** Stripe.js (or the demo stand-in) could not be loaded: blocked, offline or too slow. */
export class PaymentFormLoadError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PaymentFormLoadError';
  }
}

let stripePromise: Promise<Stripe> | null = null;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new PaymentFormLoadError(`Stripe.js did not load within ${ms} ms.`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function loadStripeJs(publishableKey: string): Promise<Stripe> {
  // The pure entry point injects Stripe.js only when loadStripe is called, never on import.
  // It forgets a failed script itself, so calling it again really tries again.
  const { loadStripe } = await import('@stripe/stripe-js/pure');
  let stripe: Stripe | null;
  try {
    stripe = await withTimeout(loadStripe(publishableKey), STRIPE_LOAD_TIMEOUT_MS);
  } catch (error) {
    if (error instanceof PaymentFormLoadError) throw error;
    throw new PaymentFormLoadError('Stripe.js failed to load.', { cause: error });
  }
  // loadStripe resolves null where there is no window (never in a browser, but typed so).
  if (!stripe) throw new PaymentFormLoadError('Stripe.js is not available in this browser.');
  return stripe;
}

async function load(config: Config): Promise<Stripe> {
  if (config.mode === 'stripe') {
    if (!config.publishableKey) throw new PaymentFormLoadError('The shop is in Stripe mode without a publishable key.');
    return loadStripeJs(config.publishableKey);
  }
  // Demo mode: a local stand-in that talks to the shop's /demo endpoints; Stripe.js is never requested.
  try {
    const { createDemoStripe } = await import('../../stripe-demo/demoStripe');
    return createDemoStripe();
  } catch (error) {
    throw new PaymentFormLoadError('The demo payment form failed to load.', { cause: error });
  }
}

/**
 * The Stripe object for the checkout, created once. A failed load is forgotten so the
 * next call tries again (after the network comes back, or a blocker is turned off).
 */
export function getStripe(config: Config): Promise<Stripe> {
  if (!stripePromise) {
    stripePromise = load(config).catch((error: unknown) => {
      stripePromise = null;
      throw error;
    });
  }
  return stripePromise;
}
