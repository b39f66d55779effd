import { api, type CartItemInput, type PaymentIntentResponse, type QuoteResponse } from '../../lib/api';
import { NO_DETAILS, quoteRequestBody, type CheckoutDetails } from './checkoutDetails';

/**
 * Asks the server to price the cart (with shipping and tax once there is an address). A quote
 * is read-only: it holds no copies and makes no PaymentIntent. Only the cart and the shopper's
 * details are sent, never a price.
 */
export function fetchQuote(
  items: CartItemInput[],
  cartId: string,
  details: CheckoutDetails = NO_DETAILS,
): Promise<QuoteResponse> {
  return api.post<QuoteResponse>('/api/quote', quoteRequestBody(items, cartId, details));
}

/** What Pay adds to the quote's inputs. */
export interface Payment {
  /** The quote on screen: the server refuses to charge any other (409 `quote_changed`). */
  quoteId: string;
  /** Stripe's ConfirmationToken for the payment details the shopper entered. */
  confirmationToken: string;
  /** Where the bank or the 3-D Secure page sends the shopper back to. */
  returnUrl: string;
}

/**
 * Pay: the server prices the cart again, holds its copies, writes the order and confirms its
 * one PaymentIntent with the token, all for exactly the quote `payment.quoteId` names.
 */
export function placeOrder(
  items: CartItemInput[],
  cartId: string,
  details: CheckoutDetails,
  payment: Payment,
): Promise<PaymentIntentResponse> {
  return api.post<PaymentIntentResponse>('/create-payment-intent', {
    ...quoteRequestBody(items, cartId, details),
    ...payment,
  });
}
