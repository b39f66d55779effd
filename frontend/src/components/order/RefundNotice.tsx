import type { OrderView } from '../../lib/api';
import { formatMoney } from '../../lib/money';
import { isRefund } from './orderStatus';
import './order.css';

interface RefundNoticeProps {
  order: OrderView;
  /** Said as it changes (refunding, then refunded) by a page that keeps asking the server. */
  live?: boolean;
}

/** Why the money is going back (copies sold out, or the shop's own refund) and where to. */
function refundSentences(order: OrderView): { reason: string | null; refund: string; email: string | null } {
  const done = order.status === 'refunded';
  const amount = formatMoney(order.amount, order.currency);
  const to = order.paymentMethod ? `your ${order.paymentMethod}` : 'the card or account you paid with';
  const bankDelay = 'Your bank may take a few days to show it.';
  const email = order.email
    ? done
      ? `We've sent an email about it to ${order.email}.`
      : `We'll email ${order.email} when the refund has gone through.`
    : null;
  if (order.refundCause === 'sold_out') {
    return {
      reason: 'The last copies sold out before your payment reached us, so no books will be sent.',
      refund: done
        ? `We've refunded the full ${amount} to ${to}. ${bankDelay}`
        : `We're refunding the full ${amount} to ${to}; there's nothing you need to do.`,
      email,
    };
  }
  return {
    reason: null,
    refund: done
      ? `We refunded this order in full: ${amount} back to ${to}. ${bankDelay}`
      : `We're refunding this order in full: ${amount} back to ${to}.`,
    email,
  };
}

/**
 * What a refunding or refunded order tells its shopper; nothing for any other order. The
 * same element stays in the page from refunding to refunded, so a live one is announced.
 */
export function RefundNotice({ order, live = false }: RefundNoticeProps) {
  if (!isRefund(order)) return null;
  const { reason, refund, email } = refundSentences(order);
  return (
    <div className="refund-notice" role={live ? 'status' : undefined}>
      {reason && <p className="refund-notice__reason">{reason}</p>}
      <p>{refund}</p>
      {email && <p>{email}</p>}
    </div>
  );
}
