import { useConfig } from '../../config/ConfigContext';
import type { OrderView, ShippingAddressView } from '../../lib/api';
import { deliveryPrice, deliveryWindow } from '../../lib/delivery';
import { formatMoney } from '../../lib/money';

// Countries whose addresses end "City, State Postal code".
const STATE_FIRST = new Set(['US', 'CA', 'AU']);

function ShippingAddress({ address }: { address: ShippingAddressView }) {
  const { shippingCountries } = useConfig();
  const country = shippingCountries.find((candidate) => candidate.code === address.country)?.name ?? address.country;
  // "Springfield, IL 62701" where a state comes first; "10117 Berlin" in most of Europe.
  const cityLine = STATE_FIRST.has(address.country)
    ? [address.city, [address.state, address.postalCode].filter(Boolean).join(' ')].filter(Boolean).join(', ')
    : [address.postalCode, address.city].join(' ');
  return (
    <address className="order-details__address">
      {[address.name, address.line1, address.line2, cityLine, country, address.phone]
        .filter((line): line is string => Boolean(line))
        .map((line, index) => (
          <span key={index}>{line}</span>
        ))}
    </address>
  );
}

/** Who, where, how it ships and how it was paid: what the server recorded on the order. */
export function OrderDetails({ order }: { order: OrderView }) {
  const { delivery } = order;
  return (
    <section className="order-details" aria-labelledby="order-details-title">
      <h2 id="order-details-title" className="section-title">
        Order details
      </h2>
      <dl className="order-details__facts">
        <div>
          <dt>Order number</dt>
          <dd className="order-details__number">{order.orderNumber}</dd>
        </div>
        {order.email && (
          <div>
            <dt>Email</dt>
            <dd>{order.email}</dd>
          </div>
        )}
        {order.shipping && (
          <div>
            <dt>Shipping to</dt>
            <dd>
              <ShippingAddress address={order.shipping} />
            </dd>
          </div>
        )}
        {delivery && (
          <div>
            <dt>Delivery</dt>
            <dd>
              {delivery.label}: arrives in {deliveryWindow(delivery)}
            </dd>
          </div>
        )}
        {order.paymentMethod && (
          <div>
            <dt>Payment method</dt>
            <dd>{order.paymentMethod}</dd>
          </div>
        )}
        <div>
          <dt>Payment reference</dt>
          <dd>
            <code>{order.paymentIntentId}</code>
          </dd>
        </div>
      </dl>
    </section>
  );
}

/** The books, and subtotal, shipping, tax and total as charged. */
export function OrderLines({ order }: { order: OrderView }) {
  const money = (amount: number) => formatMoney(amount, order.currency);
  return (
    <section className="receipt" aria-labelledby="receipt-title">
      <h2 id="receipt-title" className="section-title">
        Your books
      </h2>
      <ul className="receipt__lines">
        {order.items.map((line) => (
          <li key={line.id} className="receipt__line">
            <span>
              {line.title} <span className="receipt__quantity">× {line.quantity}</span>
            </span>
            <span>{money(line.lineTotal)}</span>
          </li>
        ))}
      </ul>
      <dl className="receipt__totals">
        <div className="summary-row summary-row--minor">
          <dt>Subtotal</dt>
          <dd>{money(order.subtotal)}</dd>
        </div>
        <div className="summary-row summary-row--minor">
          <dt>{order.delivery ? `Shipping (${order.delivery.label})` : 'Shipping'}</dt>
          <dd>{order.delivery ? deliveryPrice(order.shippingAmount, order.currency) : money(order.shippingAmount)}</dd>
        </div>
        <div className="summary-row summary-row--minor">
          <dt>Tax</dt>
          <dd>{money(order.taxAmount)}</dd>
        </div>
        <div className="summary-row summary-row--total">
          <dt>Total</dt>
          <dd>{money(order.amount)}</dd>
        </div>
      </dl>
    </section>
  );
}
