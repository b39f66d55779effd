/**
 * The shop's checkout endpoints as the tests' server: read-only quotes at POST /api/quote, and
 * Pay at POST /create-payment-intent, which checks the quoteId and the details as the server
 * does. Each test can answer any call itself instead.
 */
import type { Book, Config, CreatePaymentIntentBody, QuoteRequest } from '../lib/api';
import { apiError, mockFetch, type RecordedRequest, type Reply, type Route } from './fetchMock';
import { books as defaultBooks, demoConfig, placedFor, quoteFor } from './fixtures';

/** A test's answer for one call; undefined leaves it to the server's usual answer. */
export type Answer<Body> = (body: Body, call: number) => Reply | Promise<Reply> | undefined;

export interface CheckoutServer {
  config?: Config | null;
  /** The catalogue, read on every request for it (a test may change it meanwhile). */
  books?: () => Book[];
  quote?: Answer<QuoteRequest>;
  pay?: Answer<CreatePaymentIntentBody>;
  /** More endpoints (the demo's, the order's). */
  routes?: Route[];
}

/** What Pay answers when the test does not: a stale quoteId or missing details are refused. */
export function payAnswer(body: CreatePaymentIntentBody): Reply {
  const missing = [
    body.email ? null : { field: 'email', message: 'Enter an email address.' },
    body.shipping ? null : { field: 'shipping', message: 'Enter a shipping address.' },
  ].filter(Boolean);
  if (missing.length > 0) return apiError(400, 'missing_details', 'Some details are missing.', missing);
  const quote = quoteFor(body);
  if (body.quoteId && body.quoteId !== quote.quoteId) {
    return apiError(409, 'quote_changed', 'The total changed.', { quote });
  }
  return { body: placedFor(body) };
}

export function serveCheckout({ config = demoConfig, books = () => defaultBooks, quote, pay, routes = [] }: CheckoutServer = {}) {
  const network = mockFetch([
    ...(config ? [{ path: '/config', reply: { body: config } }] : []),
    { path: '/api/books', reply: () => ({ body: { books: books() } }) },
    {
      method: 'POST',
      path: '/api/quote',
      reply: (request: RecordedRequest, call: number) => {
        const body = request.body as QuoteRequest;
        return quote?.(body, call) ?? { body: quoteFor(body) };
      },
    },
    {
      method: 'POST',
      path: '/create-payment-intent',
      reply: (request: RecordedRequest, call: number) => {
        const body = request.body as CreatePaymentIntentBody;
        return pay?.(body, call) ?? payAnswer(body);
      },
    },
    ...routes,
  ]);
  return {
    ...network,
    /** The bodies of the quotes asked for, in order. */
    quotes: () => network.callsTo('/api/quote').map((call) => call.body as QuoteRequest),
    /** The bodies of the Pays sent, in order. */
    pays: () => network.callsTo('/create-payment-intent').map((call) => call.body as CreatePaymentIntentBody),
  };
}
