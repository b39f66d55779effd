import { api, type OrderView } from '../../lib/api';
import type { components, paths } from '../../lib/api-types';

export type OrderLookupBody = components['schemas']['OrderLookupRequest'];

// Checked against the server's OpenAPI paths: a moved endpoint fails type-checking here.
const LOOKUP_PATH = '/api/order-lookup' satisfies keyof paths;

/**
 * The order with this number and email. A POST, so the email stays out of URLs and the logs
 * that keep them. An unknown number and a wrong email are the same 404 `not_found`; too many
 * tries from this client a 429 `rate_limited` with Retry-After. A path of its own: under
 * /api/orders/ the server takes any name for a PaymentIntent id.
 */
export function lookupOrder(body: OrderLookupBody, signal?: AbortSignal): Promise<OrderView> {
  return api.post<OrderView>(LOOKUP_PATH, body, { signal });
}
