import { describe, expect, it } from 'vitest';
import type { OrderStatus, PaymentIntentStatus } from '../../lib/api';
import { order } from '../../testing/fixtures';
import { emptiesCart, mayStillChange, outcomeOf } from './orderOutcome';

// Records, so a status the server adds fails type-checking here until the tests cover it.
const ORDER_STATUSES = Object.keys({
  pending: 1,
  processing: 1,
  paid: 1,
  failed: 1,
  canceled: 1,
  refunding: 1,
  refunded: 1,
  partially_refunded: 1,
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
  it('thanks the shopper only for an order the server marked paid (then perhaps partly refunded), whatever Stripe says', () => {
    for (const candidate of EVERY_PAIR) {
      for (const polling of [true, false]) {
        expect(outcomeOf(candidate, polling) === 'paid', `${candidate.status}/${candidate.paymentStatus}`).toBe(
          candidate.status === 'paid' || candidate.status === 'partially_refunded',
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

describe('outcomeOf a refund', () => {
  it('says refunding, then refunded, whatever the gateway says of the payment and whatever the cause', () => {
    for (const refundCause of ['sold_out', 'shop', null] as const) {
      for (const paymentStatus of PAYMENT_STATUSES) {
        for (const soon of [true, false]) {
          expect(outcomeOf(order({ status: 'refunding', paymentStatus, refundCause }), soon)).toBe('refunding');
          expect(outcomeOf(order({ status: 'refunded', paymentStatus, refundCause }), soon)).toBe('refunded');
        }
      }
    }
  });
});

describe('outcomeOf a payment the bank is still confirming', () => {
  it.each(['pending', 'processing'] as const)(
    'says processing, never confirming, for a %s order whose payment is processing',
    (status) => {
      const debit = order({ status, paymentStatus: 'processing', paidAt: null });
      expect(outcomeOf(debit, true)).toBe('processing');
      expect(outcomeOf(debit, false)).toBe('processing');
    },
  );
});

describe('mayStillChange', () => {
  it('keeps asking while a webhook may still come: the money is in, held or on its way', () => {
    for (const paymentStatus of ['succeeded', 'processing', 'requires_capture', null] as const) {
      expect(mayStillChange(order({ status: 'pending', paymentStatus })), String(paymentStatus)).toBe(true);
    }
    expect(mayStillChange(order({ status: 'processing', paymentStatus: 'processing' }))).toBe(true);
  });

  it('keeps asking while a refund is on its way, until charge.refunded settles it', () => {
    for (const paymentStatus of PAYMENT_STATUSES) {
      expect(mayStillChange(order({ status: 'refunding', paymentStatus, refundCause: 'sold_out' })), String(paymentStatus)).toBe(
        true,
      );
    }
    expect(mayStillChange(order({ status: 'refunding', refundCause: 'shop' }))).toBe(true);
  });

  it('stops for every settled order, and for a payment nobody completed', () => {
    for (const status of ['paid', 'partially_refunded', 'failed', 'canceled', 'refunded', 'review'] as const) {
      for (const paymentStatus of PAYMENT_STATUSES) {
        expect(mayStillChange(order({ status, paymentStatus })), `${status}/${paymentStatus}`).toBe(false);
      }
    }
    expect(mayStillChange(order({ status: 'pending', paymentStatus: 'requires_payment_method' }))).toBe(false);
  });
});

describe('emptiesCart', () => {
  it('keeps the cart for every order whose money is neither in nor on its way', () => {
    const unpaid = EVERY_PAIR.filter(
      (candidate) =>
        ['pending', 'failed', 'canceled'].includes(candidate.status) &&
        candidate.paymentStatus !== 'succeeded' &&
        candidate.paymentStatus !== 'processing',
    );
    expect(unpaid.length).toBeGreaterThan(12);
    for (const candidate of unpaid) {
      expect(emptiesCart(candidate), `${candidate.status}/${candidate.paymentStatus}`).toBe(false);
    }
  });

  it('empties the cart once Stripe has the money, before the webhook marks the order paid', () => {
    expect(emptiesCart(order({ status: 'pending', paymentStatus: 'succeeded' }))).toBe(true);
    expect(emptiesCart(order({ status: 'paid', paymentStatus: null }))).toBe(true);
  });

  it('empties the cart whose payment arrived after its copies sold out: that payment is spent', () => {
    for (const status of ['refunding', 'refunded'] as const) {
      expect(emptiesCart(order({ status, paymentStatus: null, refundCause: 'sold_out' })), status).toBe(true);
      expect(emptiesCart(order({ status, paymentStatus: 'succeeded', refundCause: 'sold_out' })), status).toBe(true);
    }
  });

  it('empties the cart while the bank confirms a debit, so it is not bought twice', () => {
    expect(emptiesCart(order({ status: 'pending', paymentStatus: 'processing' }))).toBe(true);
    expect(emptiesCart(order({ status: 'processing', paymentStatus: null }))).toBe(true);
  });
});
