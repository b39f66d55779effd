import type { Book, Config, OrderView, PaymentIntentResponse } from '../lib/api';

export const shippingCountries: Config['shippingCountries'] = [
  { code: 'US', name: 'United States' },
  { code: 'CA', name: 'Canada' },
  { code: 'GB', name: 'United Kingdom' },
  { code: 'DE', name: 'Germany' },
];
export const demoConfig: Config = { publishableKey: null, mode: 'demo', currency: 'usd', shippingCountries };
export const stripeConfig: Config = { publishableKey: 'pk_test_123', mode: 'stripe', currency: 'usd', shippingCountries };

export function book(overrides: Partial<Book> & Pick<Book, 'id' | 'title'>): Book {
  return {
    author: 'A. Writer',
    description: 'A book.',
    format: 'Hardcover',
    year: 2020,
    price: 2500,
    currency: 'usd',
    color: '#1d3b57',
    inkColor: '#f4efe6',
    ...overrides,
  };
}

export const dreamMachine = book({
  id: 'the-dream-machine',
  title: 'The Dream Machine',
  author: 'M. Mitchell Waldrop',
  price: 3000,
});
export const stubbornAttachments = book({
  id: 'stubborn-attachments',
  title: 'Stubborn Attachments',
  author: 'Tyler Cowen',
  price: 2000,
  format: 'Paperback',
  color: '#7a1f1f',
});
export const books = [dreamMachine, stubbornAttachments];

/** What the server answers for a cart, priced from the test catalogue. */
export function intentFor(
  items: { id: string; quantity: number }[],
  overrides: Partial<PaymentIntentResponse> = {},
): PaymentIntentResponse {
  const lines = items.map(({ id, quantity }) => {
    const found = books.find((candidate) => candidate.id === id);
    if (!found) throw new Error(`No test book ${id}`);
    return { id, title: found.title, quantity, unitAmount: found.price, lineTotal: found.price * quantity };
  });
  const subtotal = lines.reduce((sum, line) => sum + line.lineTotal, 0);
  // A cart without an address yet: the lines are priced, delivery and tax are not.
  return {
    clientSecret: 'pi_test_1_secret_abc',
    paymentIntentId: 'pi_test_1',
    orderId: 1,
    amount: subtotal,
    currency: 'usd',
    items: lines,
    subtotal,
    shippingAmount: null,
    taxAmount: null,
    email: null,
    shipping: null,
    deliveryMethod: null,
    deliveryOptions: [],
    readyToPay: false,
    quoteId: `quote_${items.map(({ id, quantity }) => `${id}x${quantity}`).join('_')}`,
    ...overrides,
  };
}

export function order(overrides: Partial<OrderView> = {}): OrderView {
  return {
    orderId: 1,
    paymentIntentId: 'pi_test_1',
    status: 'paid',
    paymentStatus: 'succeeded',
    amount: 6000,
    currency: 'usd',
    paidAt: '2026-11-27T21:03:00Z',
    failureMessage: null,
    items: [{ id: 'the-dream-machine', title: 'The Dream Machine', quantity: 2, unitAmount: 3000, lineTotal: 6000 }],
    subtotal: 6000,
    shippingAmount: 0,
    taxAmount: 0,
    email: null,
    shipping: null,
    delivery: null,
    paymentMethod: null,
    ...overrides,
  };
}

export const CART_ID = 'cart_0123456789abcdef';

/** Puts a cart in localStorage as the app saves it. */
export function storeCart(items: { id: string; quantity: number }[], cartId = CART_ID): void {
  localStorage.setItem('bookstore.cart.v1', JSON.stringify({ cartId, items }));
}

export function storedCart(): { cartId: string; items: { id: string; quantity: number }[] } {
  return JSON.parse(localStorage.getItem('bookstore.cart.v1') ?? 'null') as {
    cartId: string;
    items: { id: string; quantity: number }[];
  };
}
