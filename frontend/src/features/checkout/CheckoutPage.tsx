import { Elements } from '@stripe/react-stripe-js';
import type { StripeElementsOptions } from '@stripe/stripe-js';
import { useCallback, useMemo, useState, type ReactNode } from 'react';
import { Link } from 'wouter';
import { ErrorState } from '../../components/ErrorState';
import { LoadingState } from '../../components/LoadingState';
import { useConfig } from '../../config/ConfigContext';
import { isApiError } from '../../lib/api';
import { useResource } from '../../lib/useResource';
import { useCart } from '../cart/CartContext';
import { rememberCheckout } from '../cart/cartPayments';
import { appearance } from './appearance';
import { OrderSummary } from './OrderSummary';
import { PaymentForm } from './PaymentForm';
import { getStripe } from './stripeLoader';
import { usePaymentIntent } from './usePaymentIntent';
import './checkout.css';

function IntentError({ error, onRetry }: { error: unknown; onRetry: () => void }) {
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
  return <ErrorState title="We couldn't prepare your order" error={error} onRetry={onRetry} />;
}

function PaymentSection({ clientSecret, children }: { clientSecret: string; children: ReactNode }) {
  const config = useConfig();
  const loadStripe = useCallback(() => getStripe(config), [config]);
  const { state, reload } = useResource('stripe', loadStripe);
  const options = useMemo<StripeElementsOptions>(() => ({ clientSecret, appearance }), [clientSecret]);

  if (state.status === 'loading') return <LoadingState label="Loading the payment form…" />;
  if (state.status === 'error') {
    return (
      <div className="state state--error" role="alert">
        <h2 className="state__title">The payment form didn't load</h2>
        <p>Check your connection, then try again.</p>
        <button type="button" className="button button--secondary" onClick={reload}>
          Try again
        </button>
      </div>
    );
  }
  return (
    <Elements key={clientSecret} stripe={state.data} options={options}>
      {children}
    </Elements>
  );
}

/** /checkout: the server-priced order summary and the Payment Element. */
export default function CheckoutPage() {
  const cart = useCart();
  const [alreadyPaid, setAlreadyPaid] = useState(false);
  const { reset } = cart;
  const { status, intent, error, retry } = usePaymentIntent(cart.items, cart.cartId, {
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
        <IntentError error={error} onRetry={retry} />
      ) : (
        <LoadingState label="Preparing your order…" />
      );
  } else {
    body = (
      <>
        {status === 'error' && <IntentError error={error} onRetry={retry} />}
        <div className="checkout">
          <OrderSummary intent={intent} updating={status === 'updating'} />
          <PaymentSection clientSecret={intent.clientSecret}>
            <PaymentForm intent={intent} upToDate={status === 'ready'} />
          </PaymentSection>
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
