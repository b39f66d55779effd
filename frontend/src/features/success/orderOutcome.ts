import type { OrderView, PaymentIntentStatus } from '../../lib/api';

export type Outcome = 'paid' | 'confirming' | 'processing' | 'failed' | 'refunded';

/**
 * Whether a payment in each gateway status may still end paid without the shopper doing
 * anything. A Record, so a status the server adds fails type-checking until it is decided.
 */
const MAY_COMPLETE: Record<PaymentIntentStatus, boolean> = {
  succeeded: true,
  processing: true,
  // Authorised, waiting for the capture that moves it to succeeded: the money is held.
  requires_capture: true,
  requires_payment_method: false,
  requires_confirmation: false,
  requires_action: false,
  canceled: false,
};

/**
 * What to tell the shopper about an order. The server's order status is the truth; the
 * payment status only says whether it is worth waiting for the webhook to land.
 */
export function outcomeOf(order: OrderView, stillPolling: boolean): Outcome {
  const { status, paymentStatus } = order;
  // Every order status has a case: one the server adds fails type-checking (no return).
  switch (status) {
    case 'paid':
      return 'paid';
    case 'refunded':
      return 'refunded';
    case 'review':
      return 'processing';
    case 'failed':
    case 'canceled':
      return 'failed';
    case 'pending':
    case 'processing': {
      // The gateway may already have the money, the webhook not yet. A null payment status
      // means the gateway could not be asked: keep waiting for the order.
      const mayComplete = paymentStatus === null || MAY_COMPLETE[paymentStatus];
      if (mayComplete) return stillPolling ? 'confirming' : 'processing';
      return status === 'processing' ? 'processing' : 'failed';
    }
  }
}

/** The cart is emptied once the money is in: the order is paid or Stripe says succeeded. */
export function isPaid(order: OrderView): boolean {
  return order.status === 'paid' || order.paymentStatus === 'succeeded';
}
