import type { Stripe } from '@stripe/stripe-js';
import type { Config } from '../../lib/api';

let stripePromise: Promise<Stripe> | null = null;

async function load(config: Config): Promise<Stripe> {
  if (config.mode === 'stripe') {
    if (!config.publishableKey) throw new Error('The shop is in Stripe mode without a publishable key.');
    // The pure entry point injects Stripe.js only when loadStripe is called, never on import.
    const { loadStripe } = await import('@stripe/stripe-js/pure');
    const stripe = await loadStripe(config.publishableKey);
    if (!stripe) throw new Error('Stripe.js is not available in this browser.');
    return stripe;
  }
  // Demo mode: a local stand-in that talks to the shop's /demo endpoints; Stripe.js is never requested.
  const { createDemoStripe } = await import('./demo/demoStripe');
  return createDemoStripe();
}

/**
 * The Stripe object for the checkout, created once. A failed load is forgotten so the
 * next call can try again (e.g. after the network comes back).
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
