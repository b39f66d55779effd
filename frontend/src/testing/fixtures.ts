import type {
  Book,
  Config,
  CreatePaymentIntentBody,
  DeliveryOption,
  OrderView,
  PaymentIntentResponse,
  QuoteRequest,
  QuoteResponse,
} from '../lib/api';

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
    available: 50,
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
/** The two titles most tests shop with: plenty of copies of each. */
export const books = [dreamMachine, stubbornAttachments];

/** A title with no copies left (like the seed's `the-big-score`). */
export const bigScore = book({
  id: 'the-big-score',
  title: 'The Big Score',
  author: 'Michael S. Malone',
  price: 2800,
  color: '#2f4f2f',
  available: 0,
});
/** A title with few copies left (like the seed's `poor-charlies-almanack`). */
export const almanack = book({
  id: 'poor-charlies-almanack',
  title: "Poor Charlie's Almanack",
  author: 'Charles T. Munger',
  price: 3500,
  color: '#5a3d1e',
  available: 3,
});
/** The catalogue with a sold-out and a low-stock title besides the plentiful two. */
export const stockBooks = [dreamMachine, stubbornAttachments, bigScore, almanack];

/** What the server quotes for a cart alone, priced from the test catalogue. */
export function cartQuote(
  items: { id: string; quantity: number }[],
  overrides: Partial<QuoteResponse> = {},
): QuoteResponse {
  const lines = items.map(({ id, quantity }) => {
    const found = stockBooks.find((candidate) => candidate.id === id);
    if (!found) throw new Error(`No test book ${id}`);
    return { id, title: found.title, quantity, unitAmount: found.price, lineTotal: found.price * quantity };
  });
  const subtotal = lines.reduce((sum, line) => sum + line.lineTotal, 0);
  // A cart without an address yet: the lines are priced, delivery and tax are not.
  return {
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

/** The test server's delivery rates: Standard $5.99 (3-5 days), Express $14.99 (1-2 days). */
const STANDARD: DeliveryOption = { method: 'standard', label: 'Standard', amount: 599, minDays: 3, maxDays: 5 };
const EXPRESS: DeliveryOption = { method: 'express', label: 'Express', amount: 1499, minDays: 1, maxDays: 2 };
export const DELIVERY_OPTIONS: DeliveryOption[] = [STANDARD, EXPRESS];

/** The test server's tax: 10% of the subtotal and shipping. */
export const TAX_RATE = 0.1;

function digest(text: string): string {
  let hash = 7;
  for (const char of text) hash = (hash * 31 + char.charCodeAt(0)) % 1_000_003;
  return hash.toString(36);
}

/**
 * What the server quotes for a checkout body: the cart priced, and once there is an address,
 * delivery by the rates above and tax; ready to pay with an email and an address. Pay's own
 * fields (quoteId, confirmationToken, returnUrl) do not change the quote.
 */
export function quoteFor(body: QuoteRequest): QuoteResponse {
  const cartOnly = cartQuote(body.items);
  const email = body.email ?? null;
  const { items, cartId = null, shipping = null, deliveryMethod = null } = body;
  // Like the server's: a digest of the inputs, the same for the same inputs.
  const quoteId = `quote_${digest(JSON.stringify({ items, cartId, email, shipping, deliveryMethod }))}`;
  if (!shipping) return { ...cartOnly, email, quoteId };
  const delivery = deliveryMethod === 'express' ? EXPRESS : STANDARD;
  const taxAmount = Math.round((cartOnly.subtotal + delivery.amount) * TAX_RATE);
  const { name, phone = null, address } = shipping;
  return {
    ...cartOnly,
    amount: cartOnly.subtotal + delivery.amount + taxAmount,
    shippingAmount: delivery.amount,
    taxAmount,
    email,
    shipping: {
      name,
      phone,
      line1: address.line1,
      line2: address.line2 ?? null,
      city: address.city,
      state: address.state ?? null,
      postalCode: address.postalCode,
      country: address.country,
    },
    deliveryMethod: delivery.method,
    deliveryOptions: DELIVERY_OPTIONS,
    readyToPay: email !== null,
    quoteId,
  };
}

export const PAYMENT_INTENT_ID = 'pi_test_1';
export const CLIENT_SECRET = 'pi_test_1_secret_abc';

/** What the server answers Pay: the order's PaymentIntent, confirmed to `status`. */
export function placedFor(
  body: CreatePaymentIntentBody,
  overrides: Partial<PaymentIntentResponse> = {},
): PaymentIntentResponse {
  return {
    ...quoteFor(body),
    clientSecret: CLIENT_SECRET,
    paymentIntentId: PAYMENT_INTENT_ID,
    orderNumber: 'SP-7K3M9Q',
    status: 'succeeded',
    ...overrides,
  };
}

export function order(overrides: Partial<OrderView> = {}): OrderView {
  return {
    orderNumber: 'SP-7K3M9Q',
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
    refundCause: null,
    shipment: null,
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
