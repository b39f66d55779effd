/**
 * The one HTTP client of the app: every call to the shop's API goes through here, so
 * errors are turned into one `ApiError` shape in one place (see docs/api.md).
 */

import type { components } from './api-types';

// The server's shapes, generated from its OpenAPI document (`npm run api-types`), under the
// names the app uses. Never declare one by hand: a hand-kept copy drifts from the server.
type Schemas = components['schemas'];

export type Config = Schemas['ConfigResponse'];
export type Mode = Config['mode'];
export type Book = Schemas['BookResponse'];
export type BookList = Schemas['BookListResponse'];
export type CartItemInput = Schemas['CartItem'];
export type PricedLine = Schemas['LineResponse'];
export type QuoteRequest = Schemas['QuoteRequest'];
export type QuoteResponse = Schemas['QuoteResponse'];
/** `details` of a 409 `quote_changed`: the quote as it is now. */
export type QuoteChangedDetails = Schemas['QuoteChangedDetails'];
/** Pay: the quote's fields with every detail, the quoteId shown and the ConfirmationToken. */
export type CreatePaymentIntentBody = Schemas['CreatePaymentIntentRequest'];
export type PaymentIntentResponse = Schemas['PaymentIntentResponse'];
export type OrderView = Schemas['OrderResponse'];
export type OrderStatus = Schemas['OrderStatus'];
// The document states the PaymentIntent statuses inline on the order, not as a schema.
export type PaymentIntentStatus = NonNullable<OrderView['paymentStatus']>;
export type DemoPaymentIntent = Schemas['DemoPaymentIntentResponse'];
export type DemoConfirmBody = Schemas['ConfirmBody'];
export type DemoCard = Schemas['CardBody'];
export type DemoAuthenticateBody = Schemas['AuthenticateBody'];
export type DemoConfirmationTokenBody = Schemas['ConfirmationTokenBody'];
export type DemoConfirmationToken = Schemas['DemoConfirmationTokenResponse'];
export type ShippingCountry = Schemas['CountryResponse'];
export type ShippingInput = Schemas['ShippingInput'];
export type ShippingAddressView = Schemas['AddressResponse'];
export type DeliveryOption = Schemas['DeliveryOptionResponse'];
export type DeliveryMethod = DeliveryOption['method'];
/** One refused field of a 400: a dotted path ("shipping.address.postalCode") and why. */
export type FieldError = Schemas['FieldError'];

export const NETWORK_ERROR_MESSAGE = "Can't reach the shop. Check your connection and try again.";
const GENERIC_ERROR_MESSAGE = 'Something went wrong on our side. Please try again.';

/** A failed API call: the server's error body, or a network failure (status 0). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;
  /** Seconds to wait before retrying, from the `Retry-After` header. */
  readonly retryAfter: number | null;

  constructor(
    status: number,
    code: string,
    message: string,
    details: unknown = null,
    retryAfter: number | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
    this.retryAfter = retryAfter;
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

export function isAbortError(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}

interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  body?: unknown;
  query?: Record<string, string>;
  signal?: AbortSignal;
  /** Sent besides Accept and Content-Type (the owner's dashboard sends its CSRF token). */
  headers?: Record<string, string>;
}

function parseRetryAfter(value: string | null): number | null {
  if (!value) return null;
  const seconds = Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

async function readJson(response: Response): Promise<unknown> {
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    // The connection dropped while the body was arriving.
    if (isAbortError(error)) throw error;
    throw new ApiError(0, 'network_error', NETWORK_ERROR_MESSAGE);
  }
  if (!text) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

/** Builds the ApiError for a non-2xx response, whatever its body looks like. */
function errorFromResponse(response: Response, body: unknown): ApiError {
  const retryAfter = parseRetryAfter(response.headers.get('Retry-After'));
  const error = isRecord(body) ? body.error : undefined;
  if (isRecord(error) && typeof error.code === 'string' && typeof error.message === 'string') {
    return new ApiError(response.status, error.code, error.message, error.details ?? null, retryAfter);
  }
  // No JSON error body: a proxy or gateway answered for a server that is down.
  if ([502, 503, 504].includes(response.status)) {
    return new ApiError(response.status, 'unreachable', NETWORK_ERROR_MESSAGE, null, retryAfter);
  }
  return new ApiError(response.status, 'http_error', GENERIC_ERROR_MESSAGE, null, retryAfter);
}

/** Sends one JSON request and returns the parsed JSON body; throws ApiError on failure. */
export async function apiRequest<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const { method = options.body === undefined ? 'GET' : 'POST', body, query, signal } = options;
  const url = query ? `${path}?${new URLSearchParams(query).toString()}` : path;
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
  if (body !== undefined) headers['Content-Type'] = 'application/json';

  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
      credentials: 'same-origin',
    });
  } catch (error) {
    if (isAbortError(error)) throw error;
    throw new ApiError(0, 'network_error', NETWORK_ERROR_MESSAGE);
  }

  const parsed = await readJson(response);
  if (!response.ok) throw errorFromResponse(response, parsed);
  if (parsed === null) {
    throw new ApiError(response.status, 'invalid_response', GENERIC_ERROR_MESSAGE);
  }
  return parsed as T;
}

export const api = {
  get: <T>(path: string, options: Omit<RequestOptions, 'method' | 'body'> = {}) =>
    apiRequest<T>(path, { ...options, method: 'GET' }),
  post: <T>(path: string, body: unknown, options: Omit<RequestOptions, 'method' | 'body'> = {}) =>
    apiRequest<T>(path, { ...options, method: 'POST', body }),
};

/** A message fit to show a shopper for any error thrown by an API call. */
export function errorMessage(error: unknown): string {
  return isApiError(error) ? error.message : GENERIC_ERROR_MESSAGE;
}
