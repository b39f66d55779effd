import type { OrderView } from '../../lib/api';

/**
 * The order's status in a shopper's words, for a page that shows the order as it is now
 * (it does not wait for a webhook to land). A Record, so a status the server adds fails
 * type-checking here until it has words.
 */
const STATUS_WORDS: Record<OrderView['status'], string> = {
  pending: 'Awaiting payment',
  processing: 'Payment processing',
  paid: 'Paid',
  failed: 'Payment failed',
  canceled: 'Canceled',
  refunding: 'Being refunded',
  refunded: 'Refunded',
  partially_refunded: 'Partly refunded',
  review: 'Payment being checked',
};

/**
 * "Paid", "Shipped", "Being refunded", ...: a pending order reads by what its payment is doing,
 * a paid one by whether its books have left.
 */
export function orderStatusWords(order: Pick<OrderView, 'status' | 'paymentStatus' | 'shipment'>): string {
  if (order.status === 'paid' && order.shipment) return 'Shipped';
  if (order.status === 'pending') {
    switch (order.paymentStatus) {
      case 'processing':
        return 'Payment processing';
      // The gateway has (or holds) the money; the webhook that records it has not landed.
      case 'succeeded':
      case 'requires_capture':
        return 'Confirming payment';
      default:
        return STATUS_WORDS.pending;
    }
  }
  return STATUS_WORDS[order.status];
}

/** Whether the shop has the shopper's money back on its way to them, or sent it. */
export function isRefund(order: Pick<OrderView, 'status'>): boolean {
  return order.status === 'refunding' || order.status === 'refunded';
}

/** Whether no books are coming because the copies sold out before the payment arrived. */
export function soldOutBeforePayment(order: Pick<OrderView, 'status' | 'refundCause'>): boolean {
  return isRefund(order) && order.refundCause === 'sold_out';
}
