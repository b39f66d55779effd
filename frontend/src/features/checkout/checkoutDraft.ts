/**
 * The details a shopper gave for a cart, kept for this tab only (sessionStorage) so that
 * coming back from a bank's page, or reloading, does not ask for them again. Only details
 * the server has accepted are kept, and only for the cart they were given for.
 */
import { NO_DETAILS, type CheckoutDetails } from './checkoutDetails';

const KEY = 'bookstore.checkout-details.v1';

interface Draft {
  cartId: string;
  details: CheckoutDetails;
}

export function loadDraft(cartId: string): CheckoutDetails {
  try {
    const draft = JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as Draft | null;
    if (draft?.cartId !== cartId || typeof draft.details !== 'object' || draft.details === null) return NO_DETAILS;
    const { email = null, shipping = null, deliveryMethod = null } = draft.details;
    return { email, shipping, deliveryMethod };
  } catch {
    return NO_DETAILS;
  }
}

export function saveDraft(cartId: string, details: CheckoutDetails): void {
  try {
    sessionStorage.setItem(KEY, JSON.stringify({ cartId, details } satisfies Draft));
  } catch {
    // Without storage the shopper types the details again after a redirect; nothing breaks.
  }
}
