import { Elements } from '@stripe/react-stripe-js';
import type { StripeElementsOptions } from '@stripe/stripe-js';
import { useCallback, useMemo, useState } from 'react';
import { LoadingState } from '../../components/LoadingState';
import { takesRealPayments } from '../../config/api';
import { useConfig } from '../../config/ConfigContext';
import type { PaymentIntentResponse } from '../../lib/api';
import { useResource } from '../../lib/useResource';
import { appearance } from './appearance';
import { PaymentForm } from './PaymentForm';
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

interface PaymentSectionProps {
  intent: PaymentIntentResponse;
  /** False while the server is re-pricing a changed cart. */
  upToDate: boolean;
}

/**
 * Loads Stripe.js (or the demo stand-in) and shows the Payment Element for the intent.
 * Either can fail to load: Stripe.js when js.stripe.com is blocked or down, the Payment
 * Element when its frame cannot load; both offer a retry that really loads again.
 */
export function PaymentSection({ intent, upToDate }: PaymentSectionProps) {
  const config = useConfig();
  const loadStripe = useCallback(() => getStripe(config), [config]);
  const { state, reload } = useResource('stripe', loadStripe);
  // While set, <Elements> is unmounted; clearing it mounts a fresh Payment Element.
  const [elementFailed, setElementFailed] = useState(false);
  const { clientSecret } = intent;
  const options = useMemo<StripeElementsOptions>(() => ({ clientSecret, appearance }), [clientSecret]);

  if (state.status === 'loading') return <LoadingState label="Loading the payment form…" />;
  if (state.status === 'error') return <PaymentFormUnavailable onRetry={reload} />;
  if (elementFailed) return <PaymentFormUnavailable onRetry={() => setElementFailed(false)} />;
  return (
    <Elements key={clientSecret} stripe={state.data} options={options}>
      <PaymentForm intent={intent} upToDate={upToDate} onLoadError={() => setElementFailed(true)} />
    </Elements>
  );
}
