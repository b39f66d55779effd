import { api, type CartItemInput, type PaymentIntentResponse } from '../../lib/api';

/** Asks the server to price the cart and return its PaymentIntent (one per cartId). */
export function createPaymentIntent(items: CartItemInput[], cartId: string): Promise<PaymentIntentResponse> {
  return api.post<PaymentIntentResponse>('/create-payment-intent', { items, cartId });
}
