import { api, type CartItemInput, type PaymentIntentResponse } from '../../lib/api';
import { NO_DETAILS, quoteRequestBody, type CheckoutDetails } from './checkoutDetails';

/**
 * Asks the server to price the cart (with shipping and tax once there is an address) and
 * return its PaymentIntent (one per cartId). Only the cart and the shopper's details are sent.
 */
export function createPaymentIntent(
  items: CartItemInput[],
  cartId: string,
  details: CheckoutDetails = NO_DETAILS,
): Promise<PaymentIntentResponse> {
  return api.post<PaymentIntentResponse>('/create-payment-intent', quoteRequestBody(items, cartId, details));
}
