/**
 * A local stand-in for the few Stripe.js calls the checkout makes, for demo mode (no
 * Stripe keys, no network beyond the shop). It drives the real <Elements>,
 * <LinkAuthenticationElement>, <AddressElement> and <PaymentElement> from
 * @stripe/react-stripe-js and talks to the shop's /demo endpoints the way Stripe.js talks
 * to Stripe. Only ever loaded by dynamic import.
 */
import type {
  PaymentIntent,
  Stripe,
  StripeAddressElementOptions,
  StripeError,
  StripeLinkAuthenticationElementOptions,
} from '@stripe/stripe-js';
import {
  api,
  isApiError,
  type DemoAuthenticateBody,
  type DemoConfirmBody,
  type DemoPaymentIntent,
} from '../lib/api';
import { DemoAddressElement } from './addressElement';
import { askForAuthentication } from './authDialog';
import { DemoLinkAuthenticationElement } from './linkAuthentication';
import { leavePage } from './navigation';
import { DemoPaymentElement } from './paymentElement';
import './demo.css';

export interface DemoStripeOptions {
  /**
   * Full-page navigation: to a bank's page for a redirect method, or to the return_url with
   * `redirect: 'always'`; replaceable in tests.
   */
  navigate?: (url: string) => void;
  /** Asks the shopper to authenticate (3D Secure stand-in); replaceable in tests. */
  authenticate?: (intent: DemoPaymentIntent) => Promise<boolean>;
  now?: () => Date;
}

type PaymentIntentResult = { paymentIntent: PaymentIntent } | { error: StripeError };

const FALLBACK_MESSAGE = 'Your payment could not be completed. Please try again.';

/** Stripe's client secrets are "<PaymentIntent id>_secret_<random>". */
export function paymentIntentIdFrom(clientSecret: string): string | null {
  const index = clientSecret.indexOf('_secret_');
  return index > 0 ? clientSecret.slice(0, index) : null;
}

function stripeError(error: Partial<StripeError> & { message: string }): { error: StripeError } {
  return { error: { type: 'api_error', ...error } };
}

/** Turns a failed /demo call into the error shape Stripe.js resolves with. */
function errorFromApi(error: unknown): { error: StripeError } {
  if (!isApiError(error)) return stripeError({ message: FALLBACK_MESSAGE });
  if (error.status === 402) {
    const details = (error.details ?? {}) as { decline_code?: string };
    return stripeError({
      type: 'card_error',
      code: error.code,
      decline_code: details.decline_code,
      message: error.message,
    });
  }
  return stripeError({
    type: error.status === 0 ? 'api_connection_error' : 'api_error',
    code: error.code,
    message: error.message,
  });
}

/** Maps a PaymentIntent after an attempt to Stripe.js's `{paymentIntent}` or `{error}`. */
function resultOf(intent: DemoPaymentIntent): PaymentIntentResult {
  if (intent.status === 'succeeded' || intent.status === 'processing') {
    return { paymentIntent: intent as unknown as PaymentIntent };
  }
  const failure = intent.last_payment_error;
  return stripeError({
    type: failure ? 'card_error' : 'invalid_request_error',
    code: failure?.code ?? 'payment_intent_unexpected_state',
    decline_code: failure?.decline_code ?? undefined,
    message: failure?.message ?? FALLBACK_MESSAGE,
    payment_intent: intent as unknown as PaymentIntent,
  });
}

function withRedirectParams(returnUrl: string, intent: DemoPaymentIntent, status: 'succeeded' | 'failed'): string {
  const url = new URL(returnUrl, window.location.href);
  url.searchParams.set('payment_intent', intent.id);
  url.searchParams.set('payment_intent_client_secret', intent.client_secret);
  url.searchParams.set('redirect_status', status);
  return url.toString();
}

/** The return_url as an absolute URL, as Stripe requires it. */
function absoluteUrl(url: string): string {
  return new URL(url, window.location.href).toString();
}

function intentPath(id: string, action?: 'confirm' | 'authenticate'): string {
  const base = `/demo/payment_intents/${encodeURIComponent(id)}`;
  return action ? `${base}/${action}` : base;
}

type AnyDemoElement = DemoPaymentElement | DemoLinkAuthenticationElement | DemoAddressElement;

/**
 * The demo `elements` group: holds the client secret (when given) and its Elements, at most
 * one of each type, as Stripe's does.
 */
class DemoElements {
  private readonly created = new Map<string, AnyDemoElement>();
  clientSecret: string | null;

  constructor(
    options: { clientSecret?: string } | undefined,
    private readonly now: () => Date,
  ) {
    this.clientSecret = options?.clientSecret ?? null;
  }

  create(type: string, options?: unknown): AnyDemoElement {
    if (this.created.has(type)) throw new Error(`Can only create one Element of type ${type}.`);
    const forget = () => {
      if (this.created.get(type) === element) this.created.delete(type);
    };
    let element: AnyDemoElement;
    if (type === 'payment') element = new DemoPaymentElement(forget, this.now);
    else if (type === 'linkAuthentication') {
      element = new DemoLinkAuthenticationElement(options as StripeLinkAuthenticationElementOptions | undefined, forget);
    } else if (type === 'address') element = new DemoAddressElement(options as StripeAddressElementOptions, forget);
    else {
      throw new Error(`The demo payment form supports the payment, linkAuthentication and address Elements, not "${type}".`);
    }
    this.created.set(type, element);
    return element;
  }

  getElement(type: string): AnyDemoElement | null {
    return this.created.get(type) ?? null;
  }

  update(options: { clientSecret?: string }): void {
    if (options.clientSecret) this.clientSecret = options.clientSecret;
  }

  /** The server re-prices the PaymentIntent itself; the demo form shows no amount to refresh. */
  fetchUpdates(): Promise<object> {
    return Promise.resolve({});
  }

  /** Validates the payment details, as Stripe's does before the page does anything slow. */
  submit(): Promise<{ error?: StripeError }> {
    const element = this.getElement('payment');
    if (!(element instanceof DemoPaymentElement)) {
      return Promise.resolve(stripeError({ type: 'invalid_request_error', message: 'No payment form to submit.' }));
    }
    const result = element.collect();
    return Promise.resolve('error' in result ? result : {});
  }
}

interface ConfirmOptions {
  elements?: DemoElements;
  clientSecret?: string;
  confirmParams?: { return_url?: string };
  redirect?: 'always' | 'if_required';
}

/** Builds the stand-in Stripe object handed to <Elements stripe={...}>. */
export function createDemoStripe(options: DemoStripeOptions = {}): Stripe {
  const navigate = options.navigate ?? leavePage;
  const authenticate =
    options.authenticate ??
    ((intent: DemoPaymentIntent) => askForAuthentication({ amount: intent.amount, currency: intent.currency }));
  const now = options.now ?? (() => new Date());

  async function confirmPayment({
    elements,
    clientSecret,
    confirmParams,
    redirect = 'always',
  }: ConfirmOptions): Promise<PaymentIntentResult> {
    const secret = clientSecret ?? elements?.clientSecret ?? null;
    const id = secret ? paymentIntentIdFrom(secret) : null;
    const element = elements?.getElement('payment');
    if (!secret || !id || !(element instanceof DemoPaymentElement)) {
      return stripeError({ type: 'invalid_request_error', message: 'The payment form is not ready yet.' });
    }
    const returnUrl = confirmParams?.return_url;
    const collected = element.collect();
    if ('error' in collected) return collected;
    // A redirect method always leaves the page, whatever `redirect` says, so it needs somewhere to come back to.
    if (!returnUrl && (redirect !== 'if_required' || collected.type === 'bank_redirect')) {
      return stripeError({ type: 'invalid_request_error', message: 'A return_url is required to confirm.' });
    }

    element.setDisabled(true);
    let leaving = false;
    let intent: DemoPaymentIntent;
    let authenticationFailed = false;
    try {
      const confirm: DemoConfirmBody = { client_secret: secret, ...collected.method };
      if (collected.type === 'bank_redirect') confirm.return_url = absoluteUrl(returnUrl ?? '');
      intent = await api.post<DemoPaymentIntent>(intentPath(id, 'confirm'), confirm);
      const next = intent.status === 'requires_action' ? intent.next_action : null;
      if (next?.type === 'redirect_to_url') {
        // As Stripe.js does for redirect methods: off to the bank, which sends the shopper back
        // to return_url. The promise never settles; the page is leaving.
        leaving = true;
        navigate(next.redirect_to_url.url);
        return new Promise<never>(() => {});
      }
      if (intent.status === 'requires_action') {
        const approve = await authenticate(intent);
        const answer: DemoAuthenticateBody = { client_secret: secret, approve };
        intent = await api.post<DemoPaymentIntent>(intentPath(id, 'authenticate'), answer);
        authenticationFailed = intent.status !== 'succeeded' && intent.status !== 'processing';
      }
    } catch (error) {
      return errorFromApi(error);
    } finally {
      if (!leaving) element.setDisabled(false);
    }

    const result = resultOf(intent);
    if (redirect !== 'if_required' && returnUrl && ('paymentIntent' in result || authenticationFailed)) {
      // Stripe leaves the page here; its promise never settles.
      navigate(withRedirectParams(returnUrl, intent, authenticationFailed ? 'failed' : 'succeeded'));
      return new Promise<never>(() => {});
    }
    return result;
  }

  async function retrievePaymentIntent(clientSecret: string): Promise<PaymentIntentResult> {
    const id = paymentIntentIdFrom(clientSecret);
    if (!id) return stripeError({ type: 'invalid_request_error', message: 'Invalid client secret.' });
    try {
      const intent = await api.get<DemoPaymentIntent>(intentPath(id), { query: { client_secret: clientSecret } });
      return { paymentIntent: intent as unknown as PaymentIntent };
    } catch (error) {
      return errorFromApi(error);
    }
  }

  const unsupported = (name: string) => () =>
    Promise.resolve(stripeError({ type: 'invalid_request_error', message: `${name} is not available in demo mode.` }));

  const standIn = {
    elements: (elementsOptions?: { clientSecret?: string }) => new DemoElements(elementsOptions, now),
    confirmPayment,
    retrievePaymentIntent,
    // Checked by @stripe/react-stripe-js to recognise a Stripe object; never called here.
    createToken: unsupported('createToken'),
    createPaymentMethod: unsupported('createPaymentMethod'),
    confirmCardPayment: unsupported('confirmCardPayment'),
    registerAppInfo: () => undefined,
    _registerWrapper: () => undefined,
  };
  return standIn as unknown as Stripe;
}
