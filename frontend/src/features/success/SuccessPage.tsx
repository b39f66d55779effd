import { useEffect } from 'react';
import { Link, useSearchParams } from 'wouter';
import { ErrorState } from '../../components/ErrorState';
import { LoadingState } from '../../components/LoadingState';
import { isApiError, type OrderView } from '../../lib/api';
import { formatMoney } from '../../lib/money';
import { useCart } from '../cart/CartContext';
import { wasCheckedOutWith } from '../cart/cartPayments';
import { isPaid, outcomeOf } from './orderOutcome';
import { useOrderStatus, type PollingOptions } from './useOrderStatus';
import './success.css';

const DEFAULT_POLLING: PollingOptions = { intervalMs: 1000, maxPolls: 15 };

function OrderLines({ order }: { order: OrderView }) {
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
            <span>{formatMoney(line.lineTotal, order.currency)}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

function PaymentReference({ id }: { id: string }) {
  return (
    <p className="reference">
      Payment reference: <code>{id}</code>
    </p>
  );
}

function NotFound() {
  return (
    <div className="state">
      <h1 className="page__title">We couldn't find that order</h1>
      <p>The link may be incomplete. Your cart is still saved.</p>
      <Link to="/" className="button button--secondary">
        Back to the shop
      </Link>
    </div>
  );
}

function OrderStatusView({ order, polling }: { order: OrderView; polling: boolean }) {
  const amount = formatMoney(order.amount, order.currency);
  switch (outcomeOf(order, polling)) {
    case 'paid':
      return (
        <>
          <h1 className="page__title">Thank you for your order</h1>
          <p className="lede">
            We've received your payment of <strong>{amount}</strong>. Your books are on their way.
          </p>
          <PaymentReference id={order.paymentIntentId} />
          <OrderLines order={order} />
          <Link to="/" className="button button--secondary">
            Continue shopping
          </Link>
        </>
      );
    case 'confirming':
      return (
        <>
          <h1 className="page__title">Almost there</h1>
          <LoadingState label="Confirming your payment…" />
          <PaymentReference id={order.paymentIntentId} />
        </>
      );
    case 'processing':
      return (
        <>
          <h1 className="page__title page__title--small">
            Your payment is processing; we'll email you when it's confirmed
          </h1>
          <p className="lede">Amount: {amount}</p>
          <PaymentReference id={order.paymentIntentId} />
          <OrderLines order={order} />
        </>
      );
    case 'refunded':
      return (
        <>
          <h1 className="page__title">This order was refunded</h1>
          <PaymentReference id={order.paymentIntentId} />
        </>
      );
    case 'failed':
      return (
        <div role="alert">
          <h1 className="page__title">Your payment was not completed</h1>
          <p className="lede">{order.failureMessage ?? 'No money was taken. You can try again.'}</p>
          <Link to="/checkout" className="button button--primary">
            Back to checkout
          </Link>
        </div>
      );
  }
}

interface SuccessPageProps {
  polling?: PollingOptions;
}

function OrderResult({ paymentIntentId, clientSecret, polling }: Required<SuccessPageProps> & {
  paymentIntentId: string;
  clientSecret: string;
}) {
  const { state, retry } = useOrderStatus(paymentIntentId, clientSecret, polling);
  const { cartId, reset } = useCart();
  const paid = state.phase === 'loaded' && isPaid(state.order);

  useEffect(() => {
    // Only the cart that was sent to checkout with this payment is emptied.
    if (paid && wasCheckedOutWith(cartId, paymentIntentId)) reset();
  }, [paid, cartId, paymentIntentId, reset]);

  if (state.phase === 'loading') return <LoadingState label="Checking your payment…" />;
  if (state.phase === 'error') {
    if (isApiError(state.error) && state.error.status === 404) return <NotFound />;
    return <ErrorState title="We couldn't check your payment" error={state.error} onRetry={retry} />;
  }
  return <OrderStatusView order={state.order} polling={state.polling} />;
}

/** /success: the order as the server sees it, after in-app navigation or Stripe's redirect. */
export default function SuccessPage({ polling = DEFAULT_POLLING }: SuccessPageProps) {
  const [params] = useSearchParams();
  const paymentIntentId = params.get('payment_intent');
  const clientSecret = params.get('payment_intent_client_secret');

  return (
    <section className="page page--narrow success">
      {paymentIntentId && clientSecret ? (
        <OrderResult paymentIntentId={paymentIntentId} clientSecret={clientSecret} polling={polling} />
      ) : (
        <NotFound />
      )}
    </section>
  );
}
