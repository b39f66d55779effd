import type { ReactNode } from 'react';
import { formatMoney } from '../../../lib/money';
import type { AdminOrder, Refund, TimelineEntry } from '../api';
import { formatDateTime } from '../ui/format';
import { TableScroll } from '../ui/TableScroll';
import { STATUS_WORDS } from './statusWords';

function Fact({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className="admin-facts__row">
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function When({ iso }: { iso: string }) {
  return <time dateTime={iso}>{formatDateTime(iso)}</time>;
}

const GATEWAYS: Record<string, string> = { demo: 'Demo', stripe_test: 'Stripe (test mode)', stripe_live: 'Stripe' };

/** The gateway that took the payment, in words; one the server adds later as it is named. */
function gatewayWords(mode: string | null): string {
  if (!mode) return '—';
  return Object.hasOwn(GATEWAYS, mode) ? GATEWAYS[mode]! : mode;
}

/** What `flask orders show` prints: status, who, payment, hold, refund and shipment. */
export function OrderFacts({ order }: { order: AdminOrder }) {
  const money = (amount: number) => formatMoney(amount, order.currency);
  const { refund, shipment, delivery, shipTo } = order;
  return (
    <section className="admin-section" aria-labelledby="order-facts-title">
      <h2 id="order-facts-title" className="section-title">
        Details
      </h2>
      <dl className="admin-facts">
        <Fact term="Status">{STATUS_WORDS[order.status]}</Fact>
        {order.reviewReason && <Fact term="Under review because">{order.reviewReason}</Fact>}
        <Fact term="Placed">
          <When iso={order.createdAt} />
        </Fact>
        <Fact term="Email">{order.email ?? 'Not given yet'}</Fact>
        <Fact term="Total">{money(order.total)}</Fact>
        <Fact term="Paid">
          {order.paidAmount === null ? (
            'Not yet'
          ) : (
            <>
              {money(order.paidAmount)}
              {order.paidAt && (
                <>
                  {' on '}
                  <When iso={order.paidAt} />
                </>
              )}
            </>
          )}
        </Fact>
        <Fact term="Payment method">{order.paymentMethod ?? '—'}</Fact>
        <Fact term="Gateway">{gatewayWords(order.mode)}</Fact>
        <Fact term="PaymentIntent">{order.paymentIntentId ? <code>{order.paymentIntentId}</code> : '—'}</Fact>
        {order.failureMessage && <Fact term="Payment failure">{order.failureMessage}</Fact>}
        <Fact term="Copies">
          {order.stockTaken
            ? 'Taken off the shelf'
            : order.holdActive && order.heldUntil
              ? (
                  <>
                    Held until <When iso={order.heldUntil} />
                  </>
                )
              : 'Not held'}
        </Fact>
        {refund && (
          <Fact term="Full refund">
            {refund.cause === 'sold_out' ? 'Copies sold out before the payment came' : 'Refunded by the shop'}
            {refund.requestedAt && (
              <>
                {', asked for on '}
                <When iso={refund.requestedAt} />
              </>
            )}
            {refund.refundId && (
              <>
                {' '}
                (<code>{refund.refundId}</code>)
              </>
            )}
            {refund.note && <span className="admin-facts__more">{refund.note}</span>}
            {refund.problem && (
              <strong className="admin-facts__problem">Needs you: {refund.problem}</strong>
            )}
          </Fact>
        )}
        <Fact term="Delivery">
          {delivery ? `${delivery.label} (${delivery.minDays}–${delivery.maxDays} business days)` : '—'}
        </Fact>
        <Fact term="Ship to">
          {shipTo ? (
            <address className="admin-address">
              {[shipTo.name, shipTo.line1, shipTo.line2, [shipTo.city, shipTo.state, shipTo.postalCode].filter(Boolean).join(' '), shipTo.country, shipTo.phone]
                .filter((line): line is string => Boolean(line))
                .map((line, index) => (
                  <span key={index}>{line}</span>
                ))}
            </address>
          ) : (
            'Not given yet'
          )}
        </Fact>
        <Fact term="Shipment">
          {shipment ? (
            <>
              {shipment.carrier} <code>{shipment.trackingNumber}</code>, shipped <When iso={shipment.shippedAt} />
              {shipment.trackingUrl && (
                <>
                  {' '}
                  <a href={shipment.trackingUrl} target="_blank" rel="noreferrer">
                    Track it<span className="visually-hidden"> (opens in a new tab)</span>
                  </a>
                </>
              )}
            </>
          ) : (
            'Not shipped'
          )}
        </Fact>
      </dl>
    </section>
  );
}

/** The books, then subtotal, shipping, tax and total as charged. */
export function OrderLinesTable({ order }: { order: AdminOrder }) {
  const money = (amount: number) => formatMoney(amount, order.currency);
  const total = (label: string, amount: number) => (
    <tr>
      <th scope="row" colSpan={3}>
        {label}
      </th>
      <td className="admin-table__number">{money(amount)}</td>
    </tr>
  );
  return (
    <section className="admin-section" aria-labelledby="order-lines-title">
      <h2 id="order-lines-title" className="section-title">
        Books
      </h2>
      <TableScroll label="Books in the order">
        <table className="admin-table">
          <thead>
            <tr>
              <th scope="col">Book</th>
              <th scope="col" className="admin-table__number">
                Copies
              </th>
              <th scope="col" className="admin-table__number">
                Price each
              </th>
              <th scope="col" className="admin-table__number">
                Line total
              </th>
            </tr>
          </thead>
          <tbody>
            {order.lines.map((line) => (
              <tr key={line.id}>
                <th scope="row">{line.title}</th>
                <td className="admin-table__number">{line.quantity}</td>
                <td className="admin-table__number">{money(line.unitAmount)}</td>
                <td className="admin-table__number">{money(line.lineTotal)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            {total('Subtotal', order.subtotal)}
            {total('Shipping', order.shippingAmount)}
            {total('Tax', order.taxAmount)}
            {total('Total', order.total)}
          </tfoot>
        </table>
      </TableScroll>
    </section>
  );
}

const REFUND_STATUS: Record<Refund['status'], string> = {
  requested: 'Asked for (the worker sends it)',
  sent: 'Sent to the gateway',
  succeeded: 'Refunded',
  failed: 'Failed',
};

/** The order's partial refunds, oldest first. */
export function RefundsList({ refunds, currency }: { refunds: Refund[]; currency: string }) {
  if (refunds.length === 0) return <p>No partial refunds.</p>;
  return (
    <ul className="admin-refunds">
      {refunds.map((refund) => {
        const what = [
          ...refund.lines.map((line) => `${line.quantity} × ${line.title}`),
          ...(refund.shipping ? ['shipping'] : []),
        ].join(', ');
        return (
          <li key={refund.id}>
            <strong>{formatMoney(refund.amount, refund.currency || currency)}</strong>: {REFUND_STATUS[refund.status]},{' '}
            <When iso={refund.createdAt} />
            {what && <span className="admin-facts__more">For {what}.</span>}
            <span className="admin-facts__more">
              {refund.restock ? 'Copies put back on the shelf.' : 'Copies not put back.'}{' '}
              {refund.notify ? 'The customer is emailed.' : 'No email to the customer.'}
            </span>
            {refund.reason && <span className="admin-facts__more">Reason: {refund.reason}</span>}
            {refund.error && <strong className="admin-facts__problem">Why it failed: {refund.error}</strong>}
          </li>
        );
      })}
    </ul>
  );
}

/** What happened to the order, oldest first: the gateway's events, the shop's and the owners'. */
export function Timeline({ entries }: { entries: TimelineEntry[] }) {
  if (entries.length === 0) return <p>Nothing has happened to this order yet.</p>;
  return (
    <ol className="admin-timeline">
      {entries.map((entry, index) => (
        <li key={index}>
          <When iso={entry.at} /> <code className="admin-timeline__kind">{entry.kind}</code>
          {entry.detail && <span className="admin-timeline__detail">{entry.detail}</span>}
        </li>
      ))}
    </ol>
  );
}
