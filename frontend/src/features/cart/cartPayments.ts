/**
 * Remembers which PaymentIntent a cart was sent to checkout with, so the success page
 * empties the cart only when the paid order really is this cart (not an old receipt
 * reopened after new books were added).
 */

const KEY = 'bookstore.checkout.v1';

interface CheckoutRecord {
  cartId: string;
  paymentIntentId: string;
}

export function rememberCheckout(cartId: string, paymentIntentId: string): void {
  try {
    localStorage.setItem(KEY, JSON.stringify({ cartId, paymentIntentId } satisfies CheckoutRecord));
  } catch {
    // Without storage the cart is still reset by the server's 409 on the next checkout.
  }
}

/** True when `cartId` went to checkout with `paymentIntentId`. */
export function wasCheckedOutWith(cartId: string, paymentIntentId: string): boolean {
  try {
    const record = JSON.parse(localStorage.getItem(KEY) ?? 'null') as CheckoutRecord | null;
    return record?.cartId === cartId && record.paymentIntentId === paymentIntentId;
  } catch {
    return false;
  }
}
