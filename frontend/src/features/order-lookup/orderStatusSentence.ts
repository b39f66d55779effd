import type { OrderView } from '../../lib/api';

/**
 * What the order's status means for its shopper, in a sentence; null where the refund notice
 * says it all. Every status has a case: one the server adds fails type-checking (no return).
 */
export function orderStatusSentence(order: OrderView): string | null {
  switch (order.status) {
    case 'paid':
      return order.shipment
        ? 'Your books have left us: follow them with the tracking number below.'
        : "We've received your payment; your books are on their way.";
    case 'partially_refunded':
      return "We've refunded part of this order to the card or account you paid with.";
    case 'processing':
      return "Your bank is confirming the payment; we'll email you a receipt when it's done.";
    case 'review':
      return "We're checking your payment and will email you when it's confirmed.";
    case 'failed':
      return `${order.failureMessage ?? 'The payment was not completed.'} No money was taken.`;
    case 'canceled':
      return 'This order was canceled. No money was taken.';
    case 'refunding':
    case 'refunded':
      return null;
    case 'pending':
      switch (order.paymentStatus) {
        case 'processing':
          return "Your bank is confirming the payment; we'll email you a receipt when it's done.";
        case 'succeeded':
        case 'requires_capture':
          return "We're confirming your payment; we'll email you a receipt when it's done.";
        case null:
          return "We're waiting to hear about your payment.";
        default:
          return "This order hasn't been paid. No money was taken.";
      }
  }
}
