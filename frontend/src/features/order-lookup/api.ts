import { api, type OrderView } from '../../lib/api';
import type { components } from '../../lib/api-types';

export type OrderLookupBody = components['schemas']['OrderLookupRequest'];

/**
 * The order with this number and email. A POST, so the email stays out of URLs and the logs
 * that keep them. An unknown number and a wrong email are the same 404 `not_found`; too many
 * tries from this client a 429 `rate_limited` with Retry-After.
 */
export function lookupOrder(body: OrderLookupBody, signal?: AbortSignal): Promise<OrderView> {
  return api.post<OrderView>('/api/orders/lookup', body, { signal });
}
