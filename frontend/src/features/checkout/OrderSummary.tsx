import type { QuoteResponse } from '../../lib/api';
import { deliveryPrice } from '../../lib/delivery';
import { formatMoney } from '../../lib/money';

interface OrderSummaryProps {
  quote: QuoteResponse;
  /** The form or cart changed since this quote: it is not the one Pay would charge. */
  stale: boolean;
  /** A new quote is on its way. */
  updating: boolean;
}

/** What screen readers hear when the quote changes: the total and what it is made of. */
function totalAnnouncement(quote: QuoteResponse): string {
  if (quote.shippingAmount === null || quote.taxAmount === null) return '';
  const money = (amount: number) => formatMoney(amount, quote.currency);
  const shipping = quote.shippingAmount === 0 ? 'free shipping' : `shipping ${money(quote.shippingAmount)}`;
  return `Order total ${money(quote.amount)}, including ${shipping} and tax ${money(quote.taxAmount)}.`;
}

/** The order exactly as the server priced it: these are the amounts that will be charged. */
export function OrderSummary({ quote, stale, updating }: OrderSummaryProps) {
  const money = (amount: number) => formatMoney(amount, quote.currency);
  const delivery = quote.deliveryOptions.find((option) => option.method === quote.deliveryMethod);
  const quoted = quote.shippingAmount !== null && quote.taxAmount !== null;

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
          {quote.items.map((line) => (
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
            <dd>{money(quote.subtotal)}</dd>
          </div>
          {quote.shippingAmount !== null && (
            <div className="summary-row summary-row--minor">
              <dt>{delivery ? `Shipping (${delivery.label})` : 'Shipping'}</dt>
              <dd>{deliveryPrice(quote.shippingAmount, quote.currency)}</dd>
            </div>
          )}
          {quote.taxAmount !== null && (
            <div className="summary-row summary-row--minor">
              <dt>Tax</dt>
              <dd>{money(quote.taxAmount)}</dd>
            </div>
          )}
          {quoted && (
            <div className="summary-row summary-row--total">
              <dt>Total</dt>
              <dd>{money(quote.amount)}</dd>
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
        {totalAnnouncement(quote)}
      </p>
    </>
  );
}
