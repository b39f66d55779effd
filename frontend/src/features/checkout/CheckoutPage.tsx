import { useState, type ReactNode } from 'react';
import { Link } from 'wouter';
import { ErrorState } from '../../components/ErrorState';
import { LoadingState } from '../../components/LoadingState';
import { RetryCountdown } from '../../components/RetryCountdown';
import { isApiError } from '../../lib/api';
import { useCart } from '../cart/CartContext';
import { rememberCheckout } from '../cart/cartPayments';
import { OrderSummary } from './OrderSummary';
import { PaymentSection } from './PaymentSection';
import { automaticRetryDelay } from './retryDelay';
import { usePaymentIntent } from './usePaymentIntent';
import './checkout.css';

interface IntentErrorProps {
  error: unknown;
  onRetry: () => void;
  /** Retries without the shopper; null when no automatic retry is left. */
  onAutomaticRetry: (() => void) | null;
}

function IntentError({ error, onRetry, onAutomaticRetry }: IntentErrorProps) {
  if (isApiError(error) && error.code === 'unknown_books') {
    return (
      <div className="state state--error" role="alert">
        <p>{error.message}</p>
        <Link to="/" className="button button--secondary">
          Back to the shop
        </Link>
      </div>
    );
  }
  const delay = onAutomaticRetry ? automaticRetryDelay(error) : null;
  return (
    <ErrorState title="We couldn't prepare your order" error={error} onRetry={onRetry}>
      {onAutomaticRetry && delay !== null && <RetryCountdown seconds={delay} onEnd={onAutomaticRetry} />}
    </ErrorState>
  );
}

/** /checkout: the server-priced order summary and the Payment Element. */
export default function CheckoutPage() {
  const cart = useCart();
  const [alreadyPaid, setAlreadyPaid] = useState(false);
  const { reset } = cart;
  const { status, intent, error, retry, retryAutomatically } = usePaymentIntent(cart.items, cart.cartId, {
    onAlreadyPaid: () => {
      reset();
      setAlreadyPaid(true);
    },
    onIntent: (cartId, created) => rememberCheckout(cartId, created.paymentIntentId),
  });

  let body: ReactNode;
  if (status === 'empty') {
    body = alreadyPaid ? (
      <div className="state" role="alert">
        <p>
          This cart has already been paid for, so there is nothing left to pay. We've emptied it so you can
          start a new order.
        </p>
        <Link to="/" className="button button--secondary">
          Back to the shop
        </Link>
      </div>
    ) : (
      <div className="state">
        <p>Your cart is empty</p>
        <Link to="/" className="button button--secondary">
          Browse books
        </Link>
      </div>
    );
  } else if (!intent) {
    body =
      status === 'error' ? (
        <IntentError error={error} onRetry={retry} onAutomaticRetry={retryAutomatically} />
      ) : (
        <LoadingState label="Preparing your order…" />
      );
  } else {
    body = (
      <>
        {status === 'error' && <IntentError error={error} onRetry={retry} onAutomaticRetry={retryAutomatically} />}
        <div className="checkout">
          <OrderSummary intent={intent} updating={status === 'updating'} />
          <PaymentSection intent={intent} upToDate={status === 'ready'} />
        </div>
      </>
    );
  }

  return (
    <section className="page" aria-labelledby="checkout-title">
      <h1 id="checkout-title" className="page__title">
        Checkout
      </h1>
      {body}
    </section>
  );
}
