import { useEffect } from 'react';
import { Link, Redirect, useSearchParams } from 'wouter';
import { ErrorState } from '../../components/ErrorState';
import { LoadingState } from '../../components/LoadingState';
import { OrderDetails as SharedOrderDetails, OrderLines } from '../../components/order/OrderDetails';
import { RefundNotice } from '../../components/order/RefundNotice';
import { soldOutBeforePayment } from '../../components/order/orderStatus';
import { useConfig } from '../../config/ConfigContext';
import { isApiError, type OrderView } from '../../lib/api';
import { formatMoney } from '../../lib/money';
import { useCart } from '../cart/CartContext';
import { wasCheckedOutWith } from '../cart/cartPayments';
import { emptiesCart, outcomeOf } from './orderOutcome';
import { useOrderStatus, type PollingOptions } from './useOrderStatus';

// Asks at 0, 1, 2.5, 4.8, 8.1 s…, each wait half as long again as the last, up to a minute.
const DEFAULT_POLLING: PollingOptions = { firstDelayMs: 1000, factor: 1.5, maxDelayMs: 60_000, patienceMs: 15_000 };

/** Where the shopper goes back to when their bank refused a redirect payment. */
const REFUSED_BY_BANK = '/checkout?payment=failed';

function NotFound() {
  return (
    <div className="state">
      <h1 className="page__title" tabIndex={-1}>We couldn't find that order</h1>
      <p>The link may be incomplete. Your cart is still saved.</p>
      <Link to="/" className="button button--secondary">
        Back to the shop
      </Link>
    </div>
  );
}

/** What happens next for a payment that is not settled yet. */
function processingMessage(order: OrderView): string {
  if (order.paymentStatus === 'processing') {
    return "Your bank is confirming the payment; this page updates when it does, and we'll email you a receipt.";
  }
  if (order.status === 'review') return "We're checking your payment and will email you when it's confirmed.";
  return "We're confirming your payment; this page updates when it does, and we'll email you a receipt.";
}

function PaymentFailed({ order }: { order: OrderView }) {
  // A debit the bank refused after it was processing: its cart was emptied back then, so
  // checkout would have nothing to pay for.
  const { count } = useCart();
  if (count === 0) {
    return (
      <div role="alert">
        <h1 className="page__title" tabIndex={-1}>Your payment was not completed</h1>
        {order.failureMessage && <p className="lede">{order.failureMessage}</p>}
        <p>No money was taken. Your cart is empty: add the books again to order them.</p>
        <Link to="/" className="button button--primary">
          Back to the shop
        </Link>
      </div>
    );
  }
  return (
    <div role="alert">
      <h1 className="page__title" tabIndex={-1}>Your payment was not completed</h1>
      <p className="lede">{order.failureMessage ?? 'No money was taken. You can try again.'}</p>
      <Link to="/checkout" className="button button--primary">
        Back to checkout
      </Link>
    </div>
  );
}

/** The order's details, its address's country named from the shop's list. */
function OrderDetails({ order }: { order: OrderView }) {
  const { shippingCountries } = useConfig();
  return <SharedOrderDetails order={order} countries={shippingCountries} />;
}

/**
 * The money went back, or is going back, in full. When the copies sold out before the
 * payment arrived, the shopper expected books: the page says first that none are coming.
 */
function Refund({ order }: { order: OrderView }) {
  const soldOut = soldOutBeforePayment(order);
  const done = order.status === 'refunded';
  let title: string;
  if (soldOut) title = 'Sorry, your books sold out';
  else title = done ? 'This order was refunded' : 'This order is being refunded';
  return (
    <>
      <h1 className="page__title" tabIndex={-1}>{title}</h1>
      <RefundNotice order={order} live />
      <OrderDetails order={order} />
      <OrderLines order={order} title={soldOut ? 'What you ordered' : 'Your books'} />
      <Link to="/" className="button button--secondary">
        Back to the shop
      </Link>
    </>
  );
}

function OrderStatusView({ order, soon }: { order: OrderView; soon: boolean }) {
  switch (outcomeOf(order, soon)) {
    case 'paid':
      return (
        <>
          <h1 className="page__title" tabIndex={-1}>Thank you for your order</h1>
          <p className="lede">
            We've received your payment of <strong>{formatMoney(order.amount, order.currency)}</strong>. Your books are on their way.
          </p>
          <OrderDetails order={order} />
          <OrderLines order={order} />
          <Link to="/" className="button button--secondary">
            Continue shopping
          </Link>
        </>
      );
    case 'confirming':
      return (
        <>
          <h1 className="page__title" tabIndex={-1}>Almost there</h1>
          <LoadingState label="Confirming your payment…" />
          <OrderDetails order={order} />
          <OrderLines order={order} />
        </>
      );
    case 'processing':
      return (
        <>
          <h1 className="page__title" tabIndex={-1}>Your payment is processing</h1>
          <p className="lede" role="status">
            {processingMessage(order)}
          </p>
          <OrderDetails order={order} />
          <OrderLines order={order} />
        </>
      );
    case 'refunding':
    case 'refunded':
      return <Refund order={order} />;
    case 'failed':
      return <PaymentFailed order={order} />;
  }
}

interface SuccessPageProps {
  polling?: PollingOptions;
}

function OrderResult({
  paymentIntentId,
  clientSecret,
  polling,
}: Required<SuccessPageProps> & {
  paymentIntentId: string;
  clientSecret: string;
}) {
  const { state, retry } = useOrderStatus(paymentIntentId, clientSecret, polling);
  const { cartId, reset } = useCart();
  const takesCart = state.phase === 'loaded' && emptiesCart(state.order);

  useEffect(() => {
    // Only the cart that was sent to checkout with this payment is emptied.
    if (takesCart && wasCheckedOutWith(cartId, paymentIntentId)) reset();
  }, [takesCart, cartId, paymentIntentId, reset]);

  if (state.phase === 'loading') return <LoadingState label="Checking your payment…" />;
  if (state.phase === 'error') {
    if (isApiError(state.error) && state.error.status === 404) return <NotFound />;
    return <ErrorState title="We couldn't check your payment" error={state.error} onRetry={retry} />;
  }
  return <OrderStatusView order={state.order} soon={state.soon} />;
}

/**
 * /success: the order as the server sees it, after in-app navigation or a redirect back from
 * Stripe or a bank (which adds redirect_status; a refusal goes back to checkout, cart kept).
 */
export default function SuccessPage({ polling = DEFAULT_POLLING }: SuccessPageProps) {
  const [params] = useSearchParams();
  const paymentIntentId = params.get('payment_intent');
  const clientSecret = params.get('payment_intent_client_secret');

  if (params.get('redirect_status') === 'failed') return <Redirect to={REFUSED_BY_BANK} replace />;
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
