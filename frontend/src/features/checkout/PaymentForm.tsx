import { PaymentElement, useElements, useStripe } from '@stripe/react-stripe-js';
import type { StripePaymentElementOptions } from '@stripe/stripe-js';
import { useEffect, useState, type FormEvent } from 'react';
import { useLocation } from 'wouter';
import type { PaymentIntentResponse } from '../../lib/api';
import { formatMoney } from '../../lib/money';

const PAYMENT_ELEMENT_OPTIONS: StripePaymentElementOptions = { layout: 'tabs' };
const FALLBACK_ERROR = 'Your payment could not be completed. Please try again.';

interface PaymentFormProps {
  intent: PaymentIntentResponse;
  /** False while the server is re-pricing a changed cart. */
  upToDate: boolean;
  /** The Payment Element could not load (its frame was blocked or Stripe refused it). */
  onLoadError: () => void;
}

/** The Payment Element and the pay button; identical for Stripe.js and the demo stand-in. */
export function PaymentForm({ intent, upToDate, onLoadError }: PaymentFormProps) {
  const stripe = useStripe();
  const elements = useElements();
  const [, navigate] = useLocation();
  const [elementReady, setElementReady] = useState(false);
  // The intent the Payment Element last loaded; it reloads after each server update so
  // the amount it charges is the total on screen.
  const [loadedIntent, setLoadedIntent] = useState(intent);
  const [paying, setPaying] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!elements || loadedIntent === intent) return;
    let active = true;
    elements
      .fetchUpdates()
      .then((result) => {
        if (!active) return;
        if (result.error) setError(result.error.message ?? FALLBACK_ERROR);
        setLoadedIntent(intent);
      })
      .catch(() => {
        if (active) setError(FALLBACK_ERROR);
      });
    return () => {
      active = false;
    };
  }, [elements, intent, loadedIntent]);

  const canPay = Boolean(stripe && elements && elementReady && upToDate && loadedIntent === intent);

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!stripe || !elements || !canPay || paying) return;
    setPaying(true);
    setError(null);
    try {
      const result = await stripe.confirmPayment({
        elements,
        confirmParams: { return_url: `${window.location.origin}/success` },
        redirect: 'if_required',
      });
      if (result.error) {
        setError(result.error.message ?? FALLBACK_ERROR);
        setPaying(false);
        return;
      }
      const { paymentIntent } = result;
      const params = new URLSearchParams({
        payment_intent: paymentIntent.id,
        payment_intent_client_secret: paymentIntent.client_secret ?? intent.clientSecret,
      });
      navigate(`/success?${params.toString()}`);
    } catch {
      setError(FALLBACK_ERROR);
      setPaying(false);
    }
  };

  return (
    <form className="payment-form" onSubmit={(event) => void onSubmit(event)} aria-labelledby="payment-title">
      <h2 id="payment-title" className="section-title">
        Payment
      </h2>
      <PaymentElement
        options={PAYMENT_ELEMENT_OPTIONS}
        onReady={() => setElementReady(true)}
        onLoadError={onLoadError}
      />
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" className="button button--primary button--block button--pay" disabled={!canPay || paying}>
        {paying ? 'Processing…' : `Pay ${formatMoney(intent.amount, intent.currency)}`}
      </button>
    </form>
  );
}
