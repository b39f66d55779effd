import { describe, expect, it } from 'vitest';
import type { OrderStatus, PaymentIntentStatus } from '../../lib/api';
import { order } from '../../testing/fixtures';
import { isPaid, outcomeOf } from './orderOutcome';

// Records, so a status the server adds fails type-checking here until the tests cover it.
const ORDER_STATUSES = Object.keys({
  pending: 1,
  processing: 1,
  paid: 1,
  failed: 1,
  canceled: 1,
  refunded: 1,
  review: 1,
} satisfies Record<OrderStatus, 1>) as OrderStatus[];
const PAYMENT_STATUSES: (PaymentIntentStatus | null)[] = [
  ...(Object.keys({
    requires_payment_method: 1,
    requires_confirmation: 1,
    requires_action: 1,
    processing: 1,
    requires_capture: 1,
    succeeded: 1,
    canceled: 1,
  } satisfies Record<PaymentIntentStatus, 1>) as PaymentIntentStatus[]),
  null,
];
const EVERY_PAIR = ORDER_STATUSES.flatMap((status) =>
  PAYMENT_STATUSES.map((paymentStatus) => order({ status, paymentStatus })),
);

describe('outcomeOf', () => {
  it('thanks the shopper only for an order the server marked paid, whatever Stripe says', () => {
    for (const candidate of EVERY_PAIR) {
      for (const polling of [true, false]) {
        expect(outcomeOf(candidate, polling) === 'paid', `${candidate.status}/${candidate.paymentStatus}`).toBe(
          candidate.status === 'paid',
        );
      }
    }
  });

  it.each(['requires_payment_method', 'requires_confirmation', 'requires_action', 'canceled'] as const)(
    'calls a pending order whose payment is %s not completed',
    (paymentStatus) => {
      expect(outcomeOf(order({ status: 'pending', paymentStatus }), true)).toBe('failed');
    },
  );

  it('waits for the webhook while Stripe has the money, then says processing', () => {
    const landing = order({ status: 'pending', paymentStatus: 'succeeded' });
    expect(outcomeOf(landing, true)).toBe('confirming');
    expect(outcomeOf(landing, false)).toBe('processing');
  });

  it('never calls an authorised payment awaiting capture failed', () => {
    const authorised = order({ status: 'pending', paymentStatus: 'requires_capture' });
    expect(outcomeOf(authorised, true)).toBe('confirming');
    expect(outcomeOf(authorised, false)).toBe('processing');
  });
});

describe('isPaid', () => {
  it('keeps the cart for every order nobody has paid yet', () => {
    const unpaid = EVERY_PAIR.filter(
      (candidate) =>
        ['pending', 'processing', 'failed', 'canceled'].includes(candidate.status) &&
        candidate.paymentStatus !== 'succeeded',
    );
    expect(unpaid.length).toBeGreaterThan(20);
    for (const candidate of unpaid) expect(isPaid(candidate), `${candidate.status}/${candidate.paymentStatus}`).toBe(false);
  });

  it('empties the cart once Stripe has the money, before the webhook marks the order paid', () => {
    expect(isPaid(order({ status: 'pending', paymentStatus: 'succeeded' }))).toBe(true);
    expect(isPaid(order({ status: 'paid', paymentStatus: null }))).toBe(true);
  });
});
