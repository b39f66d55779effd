import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { Link, useLocation, useSearchParams } from 'wouter';
import { ErrorState } from '../../components/ErrorState';
import { LoadingState } from '../../components/LoadingState';
import { RetryCountdown } from '../../components/RetryCountdown';
import { isApiError, type PaymentIntentResponse } from '../../lib/api';
import { useCart } from '../cart/CartContext';
import { rememberCheckout } from '../cart/cartPayments';
import { CheckoutElements } from './CheckoutElements';
import type { CheckoutDetails } from './checkoutDetails';
import { loadDraft, saveDraft } from './checkoutDraft';
import { CheckoutForm } from './CheckoutForm';
import { OrderSummary } from './OrderSummary';
import { automaticRetryDelay } from './retryDelay';
import { StockProblem } from './StockProblem';
import { stockShortagesFrom } from './stockShortage';
import { useQuote } from './useQuote';
import './checkout.css';

interface QuoteErrorProps {
  error: unknown;
  onRetry: () => void;
  /** Retries without the shopper; null when no automatic retry is left. */
  onAutomaticRetry: (() => void) | null;
}

function QuoteError({ error, onRetry, onAutomaticRetry }: QuoteErrorProps) {
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

/** Said once after the bank's page sent the shopper back with its payment refused. */
function PaymentRefused() {
  return (
    <div className="state state--error" role="alert">
      <h2 className="state__title">Your payment was not completed</h2>
      <p>
        Your bank didn't approve the payment, so no money was taken. Your cart and details are still here: try
        again, or choose another way to pay.
      </p>
    </div>
  );
}

/**
 * Whether the success page sent the shopper back here (?payment=failed) because their bank
 * refused a redirect payment; the query is then dropped, so a reload does not say it again.
 */
function useRefusedByBank(): boolean {
  const [params] = useSearchParams();
  const [, navigate] = useLocation();
  const [refused] = useState(() => params.get('payment') === 'failed');
  useEffect(() => {
    if (refused) navigate('/checkout', { replace: true });
  }, [refused, navigate]);
  return refused;
}

/**
 * /checkout: contact, shipping, delivery and payment, priced by the server (read-only quotes)
 * as they are filled in. The order, its held copies and its PaymentIntent are made at Pay.
 */
export default function CheckoutPage() {
  const cart = useCart();
  const { reset, cartId, noteHold, reportStock } = cart;
  const [alreadyPaid, setAlreadyPaid] = useState(false);
  const refusedByBank = useRefusedByBank();
  // Details given for this cart before leaving for a bank's page come back with the shopper.
  const [details, setDetails] = useState<CheckoutDetails>(() => loadDraft(cartId));
  const onDetails = useCallback(
    (change: Partial<CheckoutDetails>) => setDetails((current) => ({ ...current, ...change })),
    [],
  );

  const [paying, setPaying] = useState(false);
  const onAlreadyPaid = useCallback(() => {
    reset();
    setAlreadyPaid(true);
  }, [reset]);

  const { status, quote, error, fieldErrors, inputs, settle, retry, retryAutomatically } = useQuote(
    cart.items,
    cartId,
    details,
    {
      onAlreadyPaid,
      // Details the server accepted come back after a bank's page or a reload.
      onQuote: (quotedCartId, _quote, sent) => saveDraft(quotedCartId, sent),
      paused: paying,
    },
  );
  const onPlaced = useCallback(
    (paidCartId: string, placed: PaymentIntentResponse, sent: CheckoutDetails) => {
      // The success page empties the cart only for this cart's own PaymentIntent.
      rememberCheckout(paidCartId, placed.paymentIntentId);
      saveDraft(paidCartId, sent);
      // The server now holds these copies for this cart.
      noteHold(paidCartId, placed.items);
    },
    [noteHold],
  );

  const shortages = stockShortagesFrom(error);
  // The copies the server counted go to the cart and the shop, once per answer.
  const reported = useRef<unknown>(null);
  useEffect(() => {
    const counted = stockShortagesFrom(error);
    if (!counted || reported.current === error) return;
    reported.current = error;
    reportStock(counted.map(({ id, available }) => ({ id, available })));
  }, [error, reportStock]);
  const titleRef = useRef<HTMLHeadingElement>(null);
  // The button pressed goes with the problem; the page's title takes focus, and the cart's
  // notice above it says what changed.
  const stockProblem = shortages && (
    <StockProblem shortages={shortages} onFixed={() => titleRef.current?.focus()} />
  );

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
  } else if (!quote) {
    // The payment form waits for the first quote: its Elements are made from the quote's total.
    body = stockProblem ? (
      <div className="checkout">
        <div className="checkout__main">{stockProblem}</div>
      </div>
    ) : status === 'error' || status === 'invalid' ? (
        <QuoteError error={error} onRetry={retry} onAutomaticRetry={retryAutomatically} />
      ) : (
        <LoadingState label="Preparing your order…" />
      );
  } else {
    body = (
      <>
        {refusedByBank && <PaymentRefused />}
        {status === 'error' && !stockProblem && (
          <QuoteError error={error} onRetry={retry} onAutomaticRetry={retryAutomatically} />
        )}
        <CheckoutElements
          amount={quote.amount}
          currency={quote.currency}
          aside={
            <>
              {stockProblem}
              <OrderSummary quote={quote} stale={status !== 'ready'} updating={status === 'updating' || status === 'loading'} />
            </>
          }
        >
          {(onLoadError) => (
            <CheckoutForm
              quote={quote}
              status={status}
              details={details}
              onDetails={onDetails}
              fieldErrors={fieldErrors}
              inputs={inputs}
              settle={settle}
              paying={paying}
              onPayingChange={setPaying}
              onAlreadyPaid={onAlreadyPaid}
              onPlaced={onPlaced}
              onLoadError={onLoadError}
              stockProblem={stockProblem}
            />
          )}
        </CheckoutElements>
      </>
    );
  }

  return (
    <section className="page" aria-labelledby="checkout-title">
      <h1 id="checkout-title" ref={titleRef} className="page__title" tabIndex={-1}>
        Checkout
      </h1>
      {body}
    </section>
  );
}
