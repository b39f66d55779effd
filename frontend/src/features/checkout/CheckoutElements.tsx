import { Elements } from '@stripe/react-stripe-js';
import type { StripeElementsOptions } from '@stripe/stripe-js';
import { useCallback, useMemo, useState, type ReactNode } from 'react';
import { LoadingState } from '../../components/LoadingState';
import { takesRealPayments } from '../../config/api';
import { useConfig } from '../../config/ConfigContext';
import { useResource } from '../../lib/useResource';
import { appearance } from './appearance';
import { getStripe } from './stripeLoader';

export const STRIPE_UNAVAILABLE_MESSAGE =
  "We couldn't load Stripe's secure payment form. Check your connection or disable blockers for this site, then try again.";
export const DEMO_FORM_UNAVAILABLE_MESSAGE = "We couldn't load the payment form. Check your connection, then try again.";

/** Said instead of the form, so there is never a pay button that cannot work. */
function PaymentFormUnavailable({ onRetry }: { onRetry: () => void }) {
  const config = useConfig();
  return (
    <div className="state state--error" role="alert">
      <h2 className="state__title">The payment form didn't load</h2>
      <p>{takesRealPayments(config) ? STRIPE_UNAVAILABLE_MESSAGE : DEMO_FORM_UNAVAILABLE_MESSAGE}</p>
      <button type="button" className="button button--secondary" onClick={onRetry}>
        Try again
      </button>
    </div>
  );
}

interface CheckoutElementsProps {
  /** What the Payment Element is to collect: the quote's total, in the smallest unit. */
  amount: number;
  currency: string;
  /** Shown beside the loading or failure message, in place of the form (the order summary). */
  aside: ReactNode;
  /** The form; `onLoadError` replaces it with a retry when an Element cannot load. */
  children: (onLoadError: () => void) => ReactNode;
}

/**
 * Loads Stripe.js (or the demo stand-in) and provides the payment <Elements> group in
 * deferred mode: no PaymentIntent exists until Pay, so the group is made from the amount and
 * currency. It is made once; when a new quote changes the amount, <Elements> passes the change
 * to `elements.update({amount})` itself (react-stripe-js compares the options on each render).
 * Either can fail to load: Stripe.js when js.stripe.com is blocked or down, an Element when its
 * frame cannot load; both offer a retry that really loads again.
 */
export function CheckoutElements({ amount, currency, aside, children }: CheckoutElementsProps) {
  const config = useConfig();
  const loadStripe = useCallback(() => getStripe(config), [config]);
  const { state, reload } = useResource('stripe', loadStripe);
  // While set, <Elements> is unmounted; clearing it mounts fresh Elements.
  const [elementFailed, setElementFailed] = useState(false);
  const options = useMemo<StripeElementsOptions>(
    () => ({ mode: 'payment', amount, currency, appearance }),
    [amount, currency],
  );

  let unavailable: ReactNode = null;
  if (state.status === 'loading') unavailable = <LoadingState label="Loading the payment form…" />;
  else if (state.status === 'error') unavailable = <PaymentFormUnavailable onRetry={reload} />;
  else if (elementFailed) unavailable = <PaymentFormUnavailable onRetry={() => setElementFailed(false)} />;

  if (unavailable || state.status !== 'success') {
    return (
      <div className="checkout">
        <div className="checkout__main">{unavailable}</div>
        <div className="checkout__aside">{aside}</div>
      </div>
    );
  }
  return (
    <Elements stripe={state.data} options={options}>
      {children(() => setElementFailed(true))}
    </Elements>
  );
}
