import type { PaymentIntentResponse } from '../../lib/api';
import { deliveryPrice } from '../../lib/delivery';
import { formatMoney } from '../../lib/money';


interface OrderSummaryProps {
  intent: PaymentIntentResponse;
  /** The form or cart changed since this quote: it is not the one Pay would charge. */
  stale: boolean;
  /** A new quote is on its way. */
  updating: boolean;
}

/** What screen readers hear when the quote changes: the total and what it is made of. */
function totalAnnouncement(intent: PaymentIntentResponse): string {
  if (intent.shippingAmount === null || intent.taxAmount === null) return '';
  const money = (amount: number) => formatMoney(amount, intent.currency);
  const shipping = intent.shippingAmount === 0 ? 'free shipping' : `shipping ${money(intent.shippingAmount)}`;
  return `Order total ${money(intent.amount)}, including ${shipping} and tax ${money(intent.taxAmount)}.`;
}

/** The order exactly as the server priced it: these are the amounts that will be charged. */
export function OrderSummary({ intent, stale, updating }: OrderSummaryProps) {
  const money = (amount: number) => formatMoney(amount, intent.currency);
  const delivery = intent.deliveryOptions.find((option) => option.method === intent.deliveryMethod);
  const quoted = intent.shippingAmount !== null && intent.taxAmount !== null;

  return (
    <>
      <section
        className={stale ? 'order-summary order-summary--stale' : 'order-summary'}
        aria-labelledby="order-summary-title"
        aria-busy={updating}
      >
        <h2 id="order-summary-title" className="section-title">
          Order summary
        </h2>
        <ul className="order-summary__lines">
          {intent.items.map((line) => (
            <li key={line.id} className="order-summary__line">
              <span className="order-summary__title">{line.title}</span>
              <span className="order-summary__quantity">
                {line.quantity} × {money(line.unitAmount)}
              </span>
              <span className="order-summary__amount">{money(line.lineTotal)}</span>
            </li>
          ))}
        </ul>
        <dl className="order-summary__totals">
          <div className="summary-row summary-row--minor">
            <dt>Subtotal</dt>
            <dd>{money(intent.subtotal)}</dd>
          </div>
          {intent.shippingAmount !== null && (
            <div className="summary-row summary-row--minor">
              <dt>{delivery ? `Shipping (${delivery.label})` : 'Shipping'}</dt>
              <dd>{deliveryPrice(intent.shippingAmount, intent.currency)}</dd>
            </div>
          )}
          {intent.taxAmount !== null && (
            <div className="summary-row summary-row--minor">
              <dt>Tax</dt>
              <dd>{money(intent.taxAmount)}</dd>
            </div>
          )}
          {quoted && (
            <div className="summary-row summary-row--total">
              <dt>Total</dt>
              <dd>{money(intent.amount)}</dd>
            </div>
          )}
        </dl>
        {!quoted && <p className="fine-print">Shipping and tax are added once we have your address.</p>}
        {updating && (
          <p className="fine-print order-summary__updating" aria-hidden="true">
            Updating your order…
          </p>
        )}
      </section>
      {/* Read out when the total changes (an address or delivery method was chosen); outside the
          busy region, which screen readers may keep quiet while it is busy. */}
      <p className="visually-hidden" aria-live="polite" aria-atomic="true" data-testid="total-announcement">
        {totalAnnouncement(intent)}
      </p>
    </>
  );
}
