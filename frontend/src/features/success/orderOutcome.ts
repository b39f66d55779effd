import type { OrderView, PaymentIntentStatus } from '../../lib/api';

/**
 * - paid: the webhook marked the order paid.
 * - confirming: the gateway has (or holds) the money; the webhook should land in a moment.
 * - processing: the money is on its way (a bank debit), or the webhook is late: it may still
 *   end paid, and the page keeps asking.
 * - refunding: the money came back out, in full (the copies sold out before the payment
 *   arrived, or the shop refunded it); the page keeps asking until the refund has gone through.
 * - failed, refunded: settled otherwise.
 */
export type Outcome = 'paid' | 'confirming' | 'processing' | 'failed' | 'refunding' | 'refunded';

/**
 * Whether a payment in each gateway status may still end paid without the shopper doing
 * anything. A Record, so a status the server adds fails type-checking until it is decided.
 */
const MAY_COMPLETE: Record<PaymentIntentStatus, boolean> = {
  succeeded: true,
  // A bank debit (SEPA) or a delayed method: the bank answers later, by webhook.
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
 * `soon`: the page is still in its first, quick round of asking.
 */
export function outcomeOf(order: OrderView, soon: boolean): Outcome {
  const { status, paymentStatus } = order;
  // Every order status has a case: one the server adds fails type-checking (no return).
  switch (status) {
    // Paid, then part of it refunded by the shop.
    case 'paid':
    case 'partially_refunded':
      return 'paid';
    case 'refunding':
      return 'refunding';
    case 'refunded':
      return 'refunded';
    case 'review':
      return 'processing';
    case 'failed':
    case 'canceled':
      return 'failed';
    case 'pending':
    case 'processing': {
      // The bank is still deciding: that takes seconds in demo mode, days with a real debit.
      if (paymentStatus === 'processing') return 'processing';
      // The gateway may already have the money, the webhook not yet. A null payment status
      // means the gateway could not be asked: keep waiting for the order.
      const mayComplete = paymentStatus === null || MAY_COMPLETE[paymentStatus];
      if (mayComplete) return soon ? 'confirming' : 'processing';
      return status === 'processing' ? 'processing' : 'failed';
    }
  }
}

/**
 * Whether the order may still change by itself (a webhook to come), so it is worth asking
 * again: a payment that may still land, or a refund on its way (charge.refunded settles it).
 */
export function mayStillChange(order: OrderView): boolean {
  if (order.status === 'refunding') return true;
  if (order.status !== 'pending' && order.status !== 'processing') return false;
  const outcome = outcomeOf(order, true);
  return outcome === 'confirming' || outcome === 'processing';
}

/**
 * The cart is emptied once the money is in or on its way: the order is paid, or the gateway
 * says succeeded or processing (a debit the bank is confirming must not be bought twice).
 * A refund means the money arrived too: that cart's payment is spent, even if its copies
 * sold out meanwhile.
 */
export function emptiesCart(order: OrderView): boolean {
  return (
    order.status === 'paid' ||
    order.status === 'partially_refunded' ||
    order.status === 'processing' ||
    order.status === 'refunding' ||
    order.status === 'refunded' ||
    order.paymentStatus === 'succeeded' ||
    order.paymentStatus === 'processing'
  );
}
