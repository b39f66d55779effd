import { PaymentElement } from '@stripe/react-stripe-js';
import type { StripePaymentElementOptions } from '@stripe/stripe-js';
import { useEffect, useMemo, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { RetryCountdown } from '../../components/RetryCountdown';
import type { PaymentIntentResponse, QuoteResponse } from '../../lib/api';
import { formatMoney } from '../../lib/money';
import { useLatest } from '../../lib/useLatest';
import type { CheckoutDetails } from './checkoutDetails';
import { ContactSection } from './ContactSection';
import { DeliverySection } from './DeliverySection';
import type { SectionErrors } from './fieldErrors';
import { OrderSummary } from './OrderSummary';
import { ShippingSection } from './ShippingSection';
import { STOCK_PROBLEM_ID } from './stockShortage';
import { usePay } from './usePay';
import type { QuoteInputs, QuoteOutcome, QuoteStatus } from './useQuote';

interface CheckoutFormProps {
  quote: QuoteResponse;
  status: QuoteStatus;
  details: CheckoutDetails;
  onDetails: (change: Partial<CheckoutDetails>) => void;
  fieldErrors: SectionErrors | null;
  /** The cart and details the quote is for (what Pay sends). */
  inputs: QuoteInputs | null;
  /** Records Pay's word on `inputs`: a new quote, or a refusal of fields or copies. */
  settle: (inputs: QuoteInputs, outcome: QuoteOutcome) => void;
  /** Pay is under way: the whole form is read-only and no quote is sent. */
  paying: boolean;
  onPayingChange: (paying: boolean) => void;
  onAlreadyPaid: () => void;
  /** The server made the order for this cart and holds its copies. */
  onPlaced: (cartId: string, placed: PaymentIntentResponse, details: CheckoutDetails) => void;
  /** An Element could not load (its frame was blocked or Stripe refused it). */
  onLoadError: () => void;
  /** The server found too few copies for the cart: said above the summary; Pay waits. */
  stockProblem?: ReactNode;
}

/** Why the pay button cannot be pressed yet, for the line under it; null when it can. */
function payHint(
  status: QuoteStatus,
  quote: QuoteResponse,
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
  if (!quote.readyToPay) return 'Check your details above, then pay.';
  return null;
}

/** "Pay $72.59": an amount only once it is the total charged (shipping and tax included). */
function payLabel(quote: QuoteResponse): string {
  const total = quote.shippingAmount !== null && quote.taxAmount !== null;
  return total ? `Pay ${formatMoney(quote.amount, quote.currency)}` : 'Pay';
}

/**
 * Contact, shipping address, delivery method and payment, then the summary and the pay button.
 * Identical for Stripe.js and the demo stand-in. Pay charges only the quote on screen, and only
 * when it is the server's for what is on the form now.
 */
export function CheckoutForm({
  quote,
  status,
  details,
  onDetails,
  fieldErrors,
  inputs,
  settle,
  paying,
  onPayingChange,
  onAlreadyPaid,
  onPlaced,
  onLoadError,
  stockProblem = null,
}: CheckoutFormProps) {
  const [elementReady, setElementReady] = useState(false);
  // Set when Pay found too few copies: their explanation takes focus once it shows.
  const focusStockProblem = useRef(false);
  const { ready, message, pay } = usePay({
    quote,
    inputs,
    settle,
    onPayingChange,
    onAlreadyPaid,
    onPlaced,
    onStockRefused: () => {
      focusStockProblem.current = true;
    },
  });
  const messageRef = useRef<HTMLDivElement>(null);
  // Stripe's documented read-only state for the Payment Element, applied by <PaymentElement>
  // through element.update() when the options change.
  const paymentOptions = useMemo<StripePaymentElementOptions>(() => ({ layout: 'tabs', readOnly: paying }), [paying]);

  // A message that stops the payment takes focus, so it is read and Tab goes on to Pay.
  useEffect(() => {
    if (message) messageRef.current?.focus();
  }, [message]);

  useEffect(() => {
    if (!focusStockProblem.current || !stockProblem) return;
    focusStockProblem.current = false;
    document.getElementById(STOCK_PROBLEM_ID)?.focus();
  }, [stockProblem]);

  const formReady = ready && elementReady;
  const canPay = formReady && status === 'ready' && quote.readyToPay && !stockProblem && !paying;
  const canPayRef = useLatest(canPay);
  const hint = paying ? null : payHint(status, quote, details, formReady, Boolean(stockProblem));

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (canPay) void pay();
  };

  return (
    <form
      className="checkout"
      onSubmit={onSubmit}
      aria-labelledby="checkout-title"
      aria-busy={paying}
      noValidate
    >
      <div className="checkout__main">
        <ContactSection
          initialEmail={details.email}
          onEmail={(email) => onDetails({ email })}
          errors={fieldErrors?.contact}
          readOnly={paying}
        />
        <ShippingSection
          initialShipping={details.shipping}
          onShipping={(shipping) => onDetails({ shipping })}
          errors={fieldErrors?.shipping}
          readOnly={paying}
        />
        <DeliverySection
          quote={quote}
          chosen={details.deliveryMethod}
          onChoose={(deliveryMethod) => onDetails({ deliveryMethod })}
          errors={fieldErrors?.delivery}
          readOnly={paying}
        />
        <section className="checkout-section" aria-labelledby="payment-title">
          <h2 id="payment-title" className="section-title">
            Payment
          </h2>
          <PaymentElement options={paymentOptions} onReady={() => setElementReady(true)} onLoadError={onLoadError} />
        </section>
      </div>
      <div className="checkout__aside">
        {stockProblem}
        <OrderSummary quote={quote} stale={status !== 'ready'} updating={status === 'updating' || status === 'loading'} />
        <div className="pay">
          {message && (
            <div
              ref={messageRef}
              className={message.kind === 'error' ? 'form-error' : 'pay__notice'}
              role="alert"
              tabIndex={-1}
            >
              {message.text}
              {message.kind === 'error' && message.retryAfter !== undefined && (
                <RetryCountdown
                  seconds={message.retryAfter}
                  onEnd={() => {
                    if (canPayRef.current) void pay(true);
                  }}
                />
              )}
            </div>
          )}
          {/* aria-disabled, not disabled: the button keeps its place in the Tab order while the
              quote catches up, and says why it cannot be pressed yet (the hint). */}
          <button
            type="submit"
            className="button button--primary button--block button--pay"
            aria-disabled={!canPay}
            aria-describedby={hint ? 'pay-hint' : undefined}
          >
            {paying ? 'Processing…' : payLabel(quote)}
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
