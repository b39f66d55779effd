/**
 * A minimal fake Stripe object for checkout tests: enough for <Elements> in deferred mode (made
 * from an amount, updated, submitted), the Payment, Link Authentication and Address Elements,
 * whose change events a test sends itself, and the finalize-on-the-server calls
 * (createConfirmationToken, handleNextAction).
 */
import type { Stripe, StripeError } from '@stripe/stripe-js';
import { vi } from 'vitest';
import { CLIENT_SECRET, PAYMENT_INTENT_ID } from './fixtures';

type Handler = (payload?: unknown) => void;

/** `loadError`: the element fails to load (Stripe's `loaderror`) instead of becoming ready. */
function fakeElement(elementType: string, loadError?: object) {
  const handlers = new Map<string, Set<Handler>>();
  const element = {
    elementType,
    mount: vi.fn(),
    destroy: vi.fn(),
    update: vi.fn(),
    on: vi.fn((event: string, handler: Handler) => {
      if (!handlers.has(event)) handlers.set(event, new Set());
      handlers.get(event)?.add(handler);
      // Like Stripe's iframe, the element becomes ready a moment after it is listened to.
      if (event === 'ready' && !loadError) setTimeout(() => handler({ elementType }), 0);
      if (event === 'loaderror' && loadError) setTimeout(() => handler({ elementType, error: loadError }), 0);
      return element;
    }),
    off: vi.fn((event: string, handler: Handler) => {
      handlers.get(event)?.delete(handler);
      return element;
    }),
    emit: (event: string, payload: unknown) => {
      for (const handler of [...(handlers.get(event) ?? [])]) handler(payload);
    },
  };
  return element;
}

type FakeElement = ReturnType<typeof fakeElement>;

/** An `elements` group: its Elements by type, the newest of each. */
function fakeGroup(loadErrors: object[]) {
  const created = new Map<string, FakeElement>();
  return {
    create: vi.fn((type: string) => {
      // Only Payment Elements fail to load in these tests.
      const element = fakeElement(type, type === 'payment' ? loadErrors.shift() : undefined);
      created.set(type, element);
      return element;
    }),
    getElement: vi.fn((type: string) => created.get(type) ?? null),
    update: vi.fn((_options: object) => Promise.resolve()),
    submit: vi.fn((): Promise<{ error?: { type: string; message: string } }> => Promise.resolve({})),
    created,
  };
}

export interface TestAddress {
  name: string;
  line1: string;
  line2?: string | null;
  city: string;
  state?: string;
  postal_code: string;
  country: string;
  phone?: string;
}

export const SHOPPER = {
  email: 'ada@example.com',
  address: {
    name: 'Ada Lovelace',
    line1: '354 Oyster Point Blvd',
    city: 'South San Francisco',
    state: 'CA',
    postal_code: '94080',
    country: 'US',
  } satisfies TestAddress,
};

interface FakePaymentIntent {
  id: string;
  client_secret: string;
  status: string;
  last_payment_error?: { message: string } | null;
}

/** What handleNextAction resolves with: the PaymentIntent once the shopper authenticated, or an error. */
export type NextActionResult = { paymentIntent: FakePaymentIntent } | { error: Partial<StripeError> & { message: string } };

/** The PaymentIntent as Stripe.js gives it back, with `status` (and why it failed, if it did). */
export function paymentIntentWith(
  status: string,
  failure: Pick<FakePaymentIntent, 'last_payment_error'> = {},
): { paymentIntent: FakePaymentIntent } {
  return { paymentIntent: { id: PAYMENT_INTENT_ID, client_secret: CLIENT_SECRET, status, ...failure } };
}

export function createFakeStripe() {
  // Errors for the next Payment Elements created, one each; after them elements load fine.
  const loadErrors: object[] = [];
  // The deferred group (made with `mode`) holds the Payment and Link Authentication Elements;
  // the Address Element has a group of its own.
  const elements = fakeGroup(loadErrors);
  const addressElements = fakeGroup(loadErrors);
  let tokens = 0;
  const stripe = {
    elements: vi.fn((options?: { mode?: string }) => (options?.mode ? elements : addressElements)),
    createConfirmationToken: vi.fn(
      (_options: { elements: unknown; params?: { return_url?: string } }): Promise<
        { confirmationToken: { id: string } } | { error: Partial<StripeError> & { message: string } }
      > => {
        tokens += 1;
        return Promise.resolve({ confirmationToken: { id: `ctoken_test_${tokens}` } });
      },
    ),
    handleNextAction: vi.fn(
      (_options: { clientSecret: string }): Promise<NextActionResult> => Promise.resolve(paymentIntentWith('succeeded')),
    ),
    // The page confirms on the server; a call here would be a mistake the tests catch.
    confirmPayment: vi.fn(),
    createToken: vi.fn(),
    createPaymentMethod: vi.fn(),
    confirmCardPayment: vi.fn(),
  };

  const emitTo = (group: ReturnType<typeof fakeGroup>, type: string, event: object) => {
    const element = group.created.get(type);
    if (!element) throw new Error(`No ${type} Element was created.`);
    element.emit('change', { elementType: type, ...event });
  };

  return {
    stripe: stripe as unknown as Stripe,
    createElements: stripe.elements,
    elements,
    addressElements,
    createConfirmationToken: stripe.createConfirmationToken,
    handleNextAction: stripe.handleNextAction,
    confirmPayment: stripe.confirmPayment,
    /** The newest Payment Element (its `update` calls carry `readOnly`). */
    paymentElement: () => {
      const element = elements.created.get('payment');
      if (!element) throw new Error('No payment Element was created.');
      return element;
    },
    /** The next Payment Element created fails to load with `error`. */
    failNextElementLoad: (error: object) => loadErrors.push(error),
    /** How many Payment Elements were created. */
    paymentElementsCreated: () => elements.create.mock.calls.filter(([type]) => type === 'payment').length,
    /** The Link Authentication Element reports `email` (complete unless said otherwise). */
    typeEmail: (email: string, complete = true) =>
      emitTo(elements, 'linkAuthentication', { empty: email === '', complete, value: { email } }),
    /** The Address Element reports `address` (complete unless said otherwise), as Stripe's does. */
    typeAddress: (address: TestAddress, complete = true) => {
      const { name, phone = '', ...rest } = address;
      emitTo(addressElements, 'address', {
        elementMode: 'shipping',
        empty: false,
        complete,
        isNewAddress: true,
        value: { name, phone, address: { line2: null, state: '', ...rest } },
      });
    },
  };
}
