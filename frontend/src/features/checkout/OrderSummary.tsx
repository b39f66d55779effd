import type { PaymentIntentResponse } from '../../lib/api';
import { formatMoney } from '../../lib/money';

interface OrderSummaryProps {
  intent: PaymentIntentResponse;
  updating: boolean;
}

/** The cart exactly as the server priced it: these are the amounts that will be charged. */
export function OrderSummary({ intent, updating }: OrderSummaryProps) {
  return (
    <section className="order-summary" aria-labelledby="order-summary-title" aria-busy={updating}>
      <h2 id="order-summary-title" className="section-title">
        Order summary
      </h2>
      <ul className="order-summary__lines">
        {intent.items.map((line) => (
          <li key={line.id} className="order-summary__line">
            <span className="order-summary__title">{line.title}</span>
            <span className="order-summary__quantity">
              {line.quantity} × {formatMoney(line.unitAmount, intent.currency)}
            </span>
            <span className="order-summary__amount">{formatMoney(line.lineTotal, intent.currency)}</span>
          </li>
        ))}
      </ul>
      <dl className="summary-row summary-row--total">
        <dt>Total</dt>
        <dd>{formatMoney(intent.amount, intent.currency)}</dd>
      </dl>
      {updating && (
        <p className="fine-print" role="status">
          Updating your order…
        </p>
      )}
    </section>
  );
}
