import { useElements, useStripe } from '@stripe/react-stripe-js';
import type { PaymentIntent } from '@stripe/stripe-js';
import { useCallback, useState } from 'react';
import { useLocation } from 'wouter';
import {
  errorMessage,
  isApiError,
  type PaymentIntentResponse,
  type QuoteChangedDetails,
  type QuoteResponse,
} from '../../lib/api';
import { formatMoney } from '../../lib/money';
import { placeOrder } from './api';
import type { CheckoutDetails } from './checkoutDetails';
import { fieldErrorsFrom, sectionErrorsId, type Section } from './fieldErrors';
import { automaticRetryDelay } from './retryDelay';
import { stockShortagesFrom } from './stockShortage';
import type { QuoteInputs, QuoteOutcome } from './useQuote';

const FALLBACK_ERROR = 'Your payment could not be completed. Please try again.';
const SECTIONS: Section[] = ['contact', 'shipping', 'delivery'];

/** What is said beside Pay: why the payment stopped, or what changed. */
export type PayMessage =
  | { kind: 'error'; text: string; /** Seconds until Pay tries again by itself. */ retryAfter?: number }
  | { kind: 'notice'; text: string };

interface PayOptions {
  /** The quote on screen: the one Pay charges. */
  quote: QuoteResponse;
  /** The cart and details on the form now (what the quote is for). */
  inputs: QuoteInputs | null;
  /** Records the server's new quote, or its refusal of fields or copies, for `inputs`. */
  settle: (inputs: QuoteInputs, outcome: QuoteOutcome) => void;
  onPayingChange: (paying: boolean) => void;
  /** The server says this cart was already paid (409 `cart_already_paid`). */
  onAlreadyPaid: () => void;
  /** The server made the order, held its copies and confirmed (or began to) its PaymentIntent. */
  onPlaced: (cartId: string, placed: PaymentIntentResponse, details: CheckoutDetails) => void;
  /** Too few copies: said beside the summary, which takes focus once it shows. */
  onStockRefused: () => void;
}

/** A PaymentIntent status after which the receipt page has something to show. */
function isSettled(status: PaymentIntent.Status | PaymentIntentResponse['status']): boolean {
  return status === 'succeeded' || status === 'processing' || status === 'requires_capture';
}

/** The fresh quote a 409 `quote_changed` carries, or null if it has none. */
function quoteFrom(details: unknown): QuoteResponse | null {
  const quote = (details as Partial<QuoteChangedDetails> | null)?.quote;
  return typeof quote?.quoteId === 'string' && typeof quote.amount === 'number' ? quote : null;
}

/**
 * Stripe's "finalize payments on the server" flow: `elements.submit()` checks the payment
 * details, `createConfirmationToken` packs them, and the server creates (or reuses) the order's
 * PaymentIntent and confirms it for exactly the quote on screen. The page then only finishes
 * what the bank asks for (`handleNextAction`: 3-D Secure, a bank's page).
 */
export function usePay({ quote, inputs, settle, onPayingChange, onAlreadyPaid, onPlaced, onStockRefused }: PayOptions) {
  const stripe = useStripe();
  const elements = useElements();
  const [, navigate] = useLocation();
  const [message, setMessage] = useState<PayMessage | null>(null);

  /** Pay's refusals: said beside the field, the summary or the button; returns the message. */
  const refused = useCallback(
    (request: QuoteInputs, error: unknown, automatic: boolean): PayMessage | null => {
      if (stockShortagesFrom(error)) {
        settle(request, { error });
        onStockRefused();
        return null;
      }
      const fields = fieldErrorsFrom(error);
      if (fields) {
        settle(request, { error });
        const first = SECTIONS.find((section) => fields[section]);
        // Focus goes to what the server refused, which is read out there.
        if (first) document.getElementById(sectionErrorsId(first))?.focus();
        return null;
      }
      if (isApiError(error) && error.code === 'cart_already_paid') {
        onAlreadyPaid();
        return null;
      }
      const changed = isApiError(error) && error.code === 'quote_changed' ? quoteFrom(error.details) : null;
      if (changed) {
        // The server prices these inputs differently now (its prices moved): the new quote is
        // shown, nothing was charged, and the next Pay sends its quoteId.
        settle(request, { quote: changed });
        return {
          kind: 'notice',
          text:
            `Your order changed, so the total is now ${formatMoney(changed.amount, changed.currency)}. ` +
            'Nothing was charged: check the order summary, then press Pay again.',
        };
      }
      // One automatic retry in a row: a Pay that was one does not count down again.
      const delay = automatic ? null : automaticRetryDelay(error);
      if (delay !== null) return { kind: 'error', text: errorMessage(error), retryAfter: delay };
      return { kind: 'error', text: errorMessage(error) };
    },
    [settle, onStockRefused, onAlreadyPaid],
  );

  const pay = useCallback(
    async (automatic = false) => {
      if (!stripe || !elements || !inputs) return;
      const request = inputs;
      onPayingChange(true);
      setMessage(null);
      const stop = (said: PayMessage | null) => {
        setMessage(said);
        onPayingChange(false);
      };
      try {
        // Checks the payment details before any waiting, as Stripe asks.
        const submitted = await elements.submit();
        // The Payment Element shows what is incomplete beside the field and focuses it.
        if (submitted.error?.type === 'validation_error') return stop(null);
        if (submitted.error) return stop({ kind: 'error', text: submitted.error.message ?? FALLBACK_ERROR });

        const returnUrl = `${window.location.origin}/success`;
        const token = await stripe.createConfirmationToken({ elements, params: { return_url: returnUrl } });
        if (token.error) return stop({ kind: 'error', text: token.error.message ?? FALLBACK_ERROR });

        let placed: PaymentIntentResponse;
        try {
          placed = await placeOrder(request.items, request.cartId, request.details, {
            quoteId: quote.quoteId,
            confirmationToken: token.confirmationToken.id,
            returnUrl,
          });
        } catch (error) {
          return stop(refused(request, error, automatic));
        }
        onPlaced(request.cartId, placed, request.details);

        if (placed.status === 'requires_action') {
          // 3-D Secure in a dialog, or a bank's page (then the shopper comes back at returnUrl).
          const acted = await stripe.handleNextAction({ clientSecret: placed.clientSecret });
          if (acted.error) return stop({ kind: 'error', text: acted.error.message ?? FALLBACK_ERROR });
          const after = acted.paymentIntent;
          if (!after || !isSettled(after.status)) {
            return stop({ kind: 'error', text: after?.last_payment_error?.message ?? FALLBACK_ERROR });
          }
        } else if (!isSettled(placed.status)) {
          return stop({ kind: 'error', text: FALLBACK_ERROR });
        }
        const params = new URLSearchParams({
          payment_intent: placed.paymentIntentId,
          payment_intent_client_secret: placed.clientSecret,
        });
        navigate(`/success?${params.toString()}`);
      } catch {
        stop({ kind: 'error', text: FALLBACK_ERROR });
      }
    },
    [stripe, elements, inputs, quote.quoteId, onPayingChange, refused, onPlaced, navigate],
  );

  return {
    /** Stripe.js and the Elements group are there to pay with. */
    ready: Boolean(stripe && elements),
    message,
    /** Pay; `automatic` when nobody pressed it (after the server's Retry-After). */
    pay,
  };
}
