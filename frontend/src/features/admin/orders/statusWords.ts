import type { OrderStatus } from '../api';

/**
 * Each order status in the owner's words. A Record, so a status the server adds fails
 * type-checking here until it has words (and a place in the list's filter).
 */
export const STATUS_WORDS: Record<OrderStatus, string> = {
  pending: 'Awaiting payment',
  processing: 'Payment processing',
  paid: 'Paid',
  review: 'Under review',
  partially_refunded: 'Partly refunded',
  refunding: 'Being refunded',
  refunded: 'Refunded',
  failed: 'Payment failed',
  canceled: 'Canceled',
};

export const STATUSES = Object.keys(STATUS_WORDS) as OrderStatus[];

/** Whether `value` is one of the statuses (a filter read back from memory or a select). */
export function isOrderStatus(value: string): value is OrderStatus {
  return Object.hasOwn(STATUS_WORDS, value);
}
