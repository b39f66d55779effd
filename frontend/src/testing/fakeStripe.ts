/** A minimal fake Stripe object for checkout tests: enough for <Elements>/<PaymentElement>. */
import type { Stripe } from '@stripe/stripe-js';
import { vi } from 'vitest';

type Handler = (payload?: unknown) => void;

function fakeElement() {
  const handlers = new Map<string, Set<Handler>>();
  const element = {
    mount: vi.fn(),
    destroy: vi.fn(),
    update: vi.fn(),
    on: vi.fn((event: string, handler: Handler) => {
      if (!handlers.has(event)) handlers.set(event, new Set());
      handlers.get(event)?.add(handler);
      // Like Stripe's iframe, the element becomes ready a moment after it is listened to.
      if (event === 'ready') setTimeout(() => handler({ elementType: 'payment' }), 0);
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
  const elements = {
    create: vi.fn(() => {
      current = fakeElement();
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
  };
}
