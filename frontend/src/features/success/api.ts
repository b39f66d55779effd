import { api, type OrderView } from '../../lib/api';

/** What the server knows about the payment; a wrong secret or id is a 404 `not_found`. */
export function getOrder(paymentIntentId: string, clientSecret: string): Promise<OrderView> {
  return api.get<OrderView>(`/api/orders/${encodeURIComponent(paymentIntentId)}`, {
    query: { client_secret: clientSecret },
  });
}
