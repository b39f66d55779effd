import { api, type CartItemInput, type CreatePaymentIntentBody, type PaymentIntentResponse } from '../../lib/api';

/** Asks the server to price the cart and return its PaymentIntent (one per cartId). */
export function createPaymentIntent(items: CartItemInput[], cartId: string): Promise<PaymentIntentResponse> {
  const body: CreatePaymentIntentBody = { items, cartId };
  return api.post<PaymentIntentResponse>('/create-payment-intent', body);
}
