import type { OrderView } from '../../lib/api';

export type Outcome = 'paid' | 'confirming' | 'processing' | 'failed' | 'refunded';

/**
 * What to tell the shopper about an order. The server's order status is the truth; the
 * payment status only says whether it is worth waiting for the webhook to land.
 */
export function outcomeOf(order: OrderView, stillPolling: boolean): Outcome {
  const { status, paymentStatus } = order;
  if (status === 'paid') return 'paid';
  if (status === 'refunded') return 'refunded';
  if (status === 'review') return 'processing';
  if (status === 'failed' || status === 'canceled') return 'failed';
  // pending or processing: the gateway may already have the money, the webhook not yet.
  const mayComplete = paymentStatus === 'succeeded' || paymentStatus === 'processing' || paymentStatus === null;
  if (mayComplete) return stillPolling ? 'confirming' : 'processing';
  if (status === 'processing') return 'processing';
  return 'failed';
}

/** The cart is emptied once the money is in: the order is paid or Stripe says succeeded. */
export function isPaid(order: OrderView): boolean {
  return order.status === 'paid' || order.paymentStatus === 'succeeded';
}
