import { PaymentElement, useElements, useStripe } from '@stripe/react-stripe-js';
import type { StripePaymentElementOptions } from '@stripe/stripe-js';
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { useLocation } from 'wouter';
import { errorMessage, type PaymentIntentResponse } from '../../lib/api';
import { formatMoney } from '../../lib/money';
import type { CheckoutDetails } from './checkoutDetails';
import { ContactSection } from './ContactSection';
import { DeliverySection } from './DeliverySection';
import { fieldErrorsFrom, sectionErrorsId, type Section, type SectionErrors } from './fieldErrors';
import { OrderSummary } from './OrderSummary';
import { ShippingSection } from './ShippingSection';
import { STOCK_PROBLEM_ID, stockShortagesFrom } from './stockShortage';
import type { PaymentIntentStatus } from './usePaymentIntent';

const PAYMENT_ELEMENT_OPTIONS: StripePaymentElementOptions = { layout: 'tabs' };
const FALLBACK_ERROR = 'Your payment could not be completed. Please try again.';
const SECTIONS: Section[] = ['contact', 'shipping', 'delivery'];

interface CheckoutFormProps {
  intent: PaymentIntentResponse;
  status: PaymentIntentStatus;
  details: CheckoutDetails;
  onDetails: (change: Partial<CheckoutDetails>) => void;
  fieldErrors: SectionErrors | null;
  /** Sends the current values now; resolves with the server's quote for them. */
  requote: () => Promise<PaymentIntentResponse>;
  /** An Element could not load (its frame was blocked or Stripe refused it). */
  onLoadError: () => void;
  /** The server found too few copies for the cart: said above the summary; Pay waits. */
  stockProblem?: ReactNode;
}

/** Why the pay button cannot be pressed yet, for the line under it; null when it can. */
function payHint(
  status: PaymentIntentStatus,
  details: CheckoutDetails,
  formReady: boolean,
  stockShort: boolean,
): string | null {
  if (stockShort) return 'Change your cart to the copies left (see above), then pay.';
  if (status === 'invalid') return 'Check the details marked above, then pay.';
  const missing = [details.email ? null : 'your email', details.shipping ? null : 'your shipping address'].filter(
    Boolean,
  );
  if (missing.length > 0) return `Enter ${missing.join(' and ')} to pay.`;
  if (status !== 'ready') return 'Updating your total…';
  if (!formReady) return 'Loading the payment form…';
  return null;
}

/**
 * Contact, shipping address, delivery method and payment, then the summary and the pay button.
 * Identical for Stripe.js and the demo stand-in. Pay confirms only a quote that is the server's
 * for what is on the form, and checks it once more just before confirming.
 */
export function CheckoutForm({
  intent,
  status,
  details,
  onDetails,
  fieldErrors,
  requote,
  onLoadError,
  stockProblem = null,
}: CheckoutFormProps) {
  const stripe = useStripe();
  const elements = useElements();
  const [, navigate] = useLocation();
  const [elementReady, setElementReady] = useState(false);
  // The quote the Payment Element last loaded; it reloads after each server update so the
  // amount it charges is the total on screen.
  const [loadedIntent, setLoadedIntent] = useState(intent);
  const [paying, setPaying] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const messageRef = useRef<HTMLParagraphElement>(null);
  // Set when the check before paying found too few copies: their explanation takes focus.
  const focusStockProblem = useRef(false);

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

  // A message that stops the payment takes focus, so it is read and Tab goes on to Pay.
  useEffect(() => {
    if (error || notice) messageRef.current?.focus();
  }, [error, notice]);

  useEffect(() => {
    if (!focusStockProblem.current || !stockProblem) return;
    focusStockProblem.current = false;
    document.getElementById(STOCK_PROBLEM_ID)?.focus();
  }, [stockProblem]);

  const formReady = Boolean(stripe && elements && elementReady && loadedIntent === intent);
  const canPay = formReady && status === 'ready' && intent.readyToPay && !stockProblem;
  const hint = payHint(status, details, formReady, Boolean(stockProblem));

  const stop = (message: { error: string } | { notice: string }) => {
    if ('error' in message) setError(message.error);
    else setNotice(message.notice);
    setPaying(false);
  };

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!stripe || !elements || !canPay || paying) return;
    setPaying(true);
    setError(null);
    setNotice(null);
    try {
      // Validates the payment details before any waiting, as Stripe asks.
      const submitted = await elements.submit();
      if (submitted.error?.type === 'validation_error') {
        // The Payment Element shows what is wrong beside the field and focuses it; nothing to add.
        setPaying(false);
        return;
      }
      if (submitted.error) return stop({ error: submitted.error.message ?? FALLBACK_ERROR });

      let fresh: PaymentIntentResponse;
      try {
        fresh = await requote();
      } catch (requoteError) {
        if (stockShortagesFrom(requoteError)) {
          // Said beside the summary, which takes focus once it shows.
          focusStockProblem.current = true;
          setPaying(false);
          return;
        }
        const refused = fieldErrorsFrom(requoteError);
        if (!refused) return stop({ error: errorMessage(requoteError) });
        setPaying(false);
        const first = SECTIONS.find((section) => refused[section]);
        // Focus goes to what the server refused, which is read out there.
        if (first) document.getElementById(sectionErrorsId(first))?.focus();
        return;
      }
      if (fresh.quoteId !== intent.quoteId || !fresh.readyToPay) {
        // The server's quote for these values is not the one on screen (another tab changed the
        // order): the shopper pays only a total they have seen.
        return stop({
          notice:
            `Your order changed (perhaps in another tab), so the total is now ${formatMoney(fresh.amount, fresh.currency)}. ` +
            'Check the order summary, then press Pay again.',
        });
      }

      const result = await stripe.confirmPayment({
        elements,
        confirmParams: { return_url: `${window.location.origin}/success` },
        redirect: 'if_required',
      });
      if (result.error) return stop({ error: result.error.message ?? FALLBACK_ERROR });
      const { paymentIntent } = result;
      const params = new URLSearchParams({
        payment_intent: paymentIntent.id,
        payment_intent_client_secret: paymentIntent.client_secret ?? intent.clientSecret,
      });
      navigate(`/success?${params.toString()}`);
    } catch {
      stop({ error: FALLBACK_ERROR });
    }
  };

  return (
    <form className="checkout" onSubmit={(event) => void onSubmit(event)} aria-labelledby="checkout-title" noValidate>
      <div className="checkout__main">
        <ContactSection
          initialEmail={details.email}
          onEmail={(email) => onDetails({ email })}
          errors={fieldErrors?.contact}
        />
        <ShippingSection
          initialShipping={details.shipping}
          onShipping={(shipping) => onDetails({ shipping })}
          errors={fieldErrors?.shipping}
        />
        <DeliverySection
          intent={intent}
          chosen={details.deliveryMethod}
          onChoose={(deliveryMethod) => onDetails({ deliveryMethod })}
          errors={fieldErrors?.delivery}
        />
        <section className="checkout-section" aria-labelledby="payment-title">
          <h2 id="payment-title" className="section-title">
            Payment
          </h2>
          <PaymentElement
            options={PAYMENT_ELEMENT_OPTIONS}
            onReady={() => setElementReady(true)}
            onLoadError={onLoadError}
          />
        </section>
      </div>
      <div className="checkout__aside">
        {stockProblem}
        <OrderSummary
          intent={intent}
          stale={status !== 'ready'}
          updating={status === 'updating' || status === 'loading'}
        />
        <div className="pay">
          {(error || notice) && (
            <p ref={messageRef} className={error ? 'form-error' : 'pay__notice'} role="alert" tabIndex={-1}>
              {error ?? notice}
            </p>
          )}
          {/* aria-disabled, not disabled: the button keeps its place in the Tab order while the
              quote catches up, and says why it cannot be pressed yet (the hint). */}
          <button
            type="submit"
            className="button button--primary button--block button--pay"
            aria-disabled={!canPay || paying}
            aria-describedby={hint ? 'pay-hint' : undefined}
          >
            {paying ? 'Processing…' : `Pay ${formatMoney(intent.amount, intent.currency)}`}
          </button>
          {hint && (
            <p id="pay-hint" className="fine-print pay__hint">
              {hint}
            </p>
          )}
        </div>
      </div>
    </form>
  );
}
