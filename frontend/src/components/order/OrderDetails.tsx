import { useId } from 'react';
import type { OrderView, ShippingAddressView, ShippingCountry } from '../../lib/api';
import { deliveryPrice, deliveryWindow } from '../../lib/delivery';
import { formatMoney } from '../../lib/money';
import './order.css';

type HeadingLevel = 2 | 3;

// Countries whose addresses end "City, State Postal code".
const STATE_FIRST = new Set(['US', 'CA', 'AU']);

function ShippingAddress({ address, countries }: { address: ShippingAddressView; countries: ShippingCountry[] }) {
  const country = countries.find((candidate) => candidate.code === address.country)?.name ?? address.country;
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

interface OrderDetailsProps {
  order: OrderView;
  /** The countries the shop ships to (GET /config), to name the address's country. */
  countries: ShippingCountry[];
  /** A fact shown after the number, e.g. the order's status in words. */
  status?: string;
  /** 3 when the page already has a heading of its own for the order. */
  headingLevel?: HeadingLevel;
}

/** Who, where, how it ships and how it was paid: what the server recorded on the order. */
export function OrderDetails({ order, countries, status, headingLevel = 2 }: OrderDetailsProps) {
  const titleId = useId();
  const Heading = headingLevel === 3 ? 'h3' : 'h2';
  const { delivery } = order;
  return (
    <section className="order-details" aria-labelledby={titleId}>
      <Heading id={titleId} className="section-title">
        Order details
      </Heading>
      <dl className="order-details__facts">
        <div>
          <dt>Order number</dt>
          <dd className="order-details__number">{order.orderNumber}</dd>
        </div>
        {status && (
          <div>
            <dt>Status</dt>
            <dd className="order-details__status">{status}</dd>
          </div>
        )}
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
              <ShippingAddress address={order.shipping} countries={countries} />
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
        {order.shipment && (
          <div>
            <dt>Tracking</dt>
            <dd>
              {order.shipment.carrier === 'Other' ? 'Tracking number' : order.shipment.carrier}{' '}
              <code className="order-details__reference">{order.shipment.trackingNumber}</code>
              {order.shipment.trackingUrl && (
                <>
                  {' '}
                  <a href={order.shipment.trackingUrl} target="_blank" rel="noreferrer">
                    Track your parcel<span className="visually-hidden"> (opens in a new tab)</span>
                  </a>
                </>
              )}
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
            <code className="order-details__reference">{order.paymentIntentId}</code>
          </dd>
        </div>
      </dl>
    </section>
  );
}

interface OrderLinesProps {
  order: OrderView;
  /** The section's heading: "Your books" unless no books are coming. */
  title?: string;
  headingLevel?: HeadingLevel;
}

/** The books, and subtotal, shipping, tax and total as charged. */
export function OrderLines({ order, title = 'Your books', headingLevel = 2 }: OrderLinesProps) {
  const titleId = useId();
  const Heading = headingLevel === 3 ? 'h3' : 'h2';
  const money = (amount: number) => formatMoney(amount, order.currency);
  return (
    <section className="receipt" aria-labelledby={titleId}>
      <Heading id={titleId} className="section-title">
        {title}
      </Heading>
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
