/** A minimal fake Stripe object for checkout tests: enough for <Elements>/<PaymentElement>. */
import type { Stripe } from '@stripe/stripe-js';
import { vi } from 'vitest';

type Handler = (payload?: unknown) => void;

/** `loadError`: the element fails to load (Stripe's `loaderror`) instead of becoming ready. */
function fakeElement(loadError?: object) {
  const handlers = new Map<string, Set<Handler>>();
  const element = {
    mount: vi.fn(),
    destroy: vi.fn(),
    update: vi.fn(),
    on: vi.fn((event: string, handler: Handler) => {
      if (!handlers.has(event)) handlers.set(event, new Set());
      handlers.get(event)?.add(handler);
      // Like Stripe's iframe, the element becomes ready a moment after it is listened to.
      if (event === 'ready' && !loadError) setTimeout(() => handler({ elementType: 'payment' }), 0);
      if (event === 'loaderror' && loadError) setTimeout(() => handler({ elementType: 'payment', error: loadError }), 0);
      return element;
    }),
    off: vi.fn((event: string, handler: Handler) => {
      handlers.get(event)?.delete(handler);
      return element;
    }),
  };
  return element;
}

export function createFakeStripe(confirmPayment: (...args: unknown[]) => Promise<unknown>) {
  let current: ReturnType<typeof fakeElement> | null = null;
  // Errors for the next Payment Elements created, one each; after them elements load fine.
  const loadErrors: object[] = [];
  const elements = {
    create: vi.fn(() => {
      current = fakeElement(loadErrors.shift());
      return current;
    }),
    getElement: vi.fn(() => current),
    update: vi.fn(),
    fetchUpdates: vi.fn(() => Promise.resolve({})),
    submit: vi.fn(() => Promise.resolve({})),
  };
  const stripe = {
    elements: vi.fn(() => elements),
    confirmPayment: vi.fn(confirmPayment),
    createToken: vi.fn(),
    createPaymentMethod: vi.fn(),
    confirmCardPayment: vi.fn(),
  };
  return {
    stripe: stripe as unknown as Stripe,
    createElements: stripe.elements,
    elements,
    confirmPayment: stripe.confirmPayment,
    /** The next Payment Element created fails to load with `error`. */
    failNextElementLoad: (error: object) => loadErrors.push(error),
  };
}
