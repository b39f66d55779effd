/**
 * A local stand-in for the Stripe.js calls the checkout makes, for demo mode (no Stripe keys,
 * no network beyond the shop). It drives the real <Elements>, <LinkAuthenticationElement>,
 * <AddressElement> and <PaymentElement> from @stripe/react-stripe-js and talks to the shop's
 * /demo endpoints the way Stripe.js talks to Stripe. Both of Stripe's flows work: Elements
 * with a client secret and confirmPayment, or Elements without an intent (deferred mode) and
 * either confirmPayment with the client secret made at Pay, or createConfirmationToken for the
 * server to confirm, then handleNextAction. Only ever loaded by dynamic import.
 */
import type {
  ConfirmationToken,
  ConfirmationTokenCreateParams,
  PaymentIntent,
  Stripe,
  StripeElementsOptions,
  StripeError,
} from '@stripe/stripe-js';
import { api, type DemoAuthenticateBody, type DemoConfirmBody, type DemoPaymentIntent } from '../lib/api';
import { askForAuthentication } from './authDialog';
import {
  CONFIRMATION_TOKENS_PATH,
  intentPath,
  type DemoConfirmationToken,
  type DemoConfirmationTokenBody,
} from './demoApi';
import { DemoElements } from './elementsGroup';
import { leavePage } from './navigation';
import {
  IntegrationError,
  errorFromApi,
  paymentIntentIdFrom,
  resultOf,
  stripeError,
  type PaymentIntentResult,
} from './results';
import './demo.css';

export { paymentIntentIdFrom } from './results';

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

type ConfirmationTokenResult = { confirmationToken: ConfirmationToken } | { error: StripeError };

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

/** A promise that never settles: the page is leaving, as after Stripe.js's redirects. */
function leaving(): Promise<never> {
  return new Promise<never>(() => {});
}

interface ConfirmOptions {
  elements?: unknown;
  clientSecret?: string;
  confirmParams?: { return_url?: string };
  redirect?: 'always' | 'if_required';
}

interface CreateConfirmationTokenOptions {
  elements?: unknown;
  params?: ConfirmationTokenCreateParams;
}

const NOT_READY = 'The payment form is not ready yet.';

/** Builds the stand-in Stripe object handed to <Elements stripe={...}>. */
export function createDemoStripe(options: DemoStripeOptions = {}): Stripe {
  const navigate = options.navigate ?? leavePage;
  const authenticate =
    options.authenticate ??
    ((intent: DemoPaymentIntent) => askForAuthentication({ amount: intent.amount, currency: intent.currency }));
  const now = options.now ?? (() => new Date());

  /**
   * Runs a PaymentIntent's next action: the 3D Secure dialog, then the PaymentIntent after it;
   * or off to the bank's page.
   */
  async function runNextAction(intent: DemoPaymentIntent, clientSecret: string): Promise<DemoPaymentIntent> {
    const next = intent.next_action;
    if (next?.type === 'redirect_to_url') {
      // As Stripe.js does for redirect methods: off to the bank, which sends the shopper back to
      // the return_url. The promise never settles, so neither does its caller's: the page is leaving.
      navigate(next.redirect_to_url.url);
      return leaving();
    }
    const approve = await authenticate(intent);
    const answer: DemoAuthenticateBody = { client_secret: clientSecret, approve };
    return api.post<DemoPaymentIntent>(intentPath(intent.id, 'authenticate'), answer);
  }

  async function confirmPayment({
    elements,
    clientSecret,
    confirmParams,
    redirect = 'always',
  }: ConfirmOptions): Promise<PaymentIntentResult> {
    if (!(elements instanceof DemoElements)) return stripeError({ type: 'invalid_request_error', message: NOT_READY });
    if (elements.isDeferred) {
      if (!clientSecret) {
        throw new IntegrationError(
          'stripe.confirmPayment() needs the PaymentIntent\'s clientSecret when Elements were created with mode.',
        );
      }
      elements.requireSubmit('confirmPayment');
    }
    const secret = clientSecret ?? elements.clientSecret;
    const id = secret ? paymentIntentIdFrom(secret) : null;
    const element = elements.payment;
    if (!secret || !id || !element) return stripeError({ type: 'invalid_request_error', message: NOT_READY });
    const returnUrl = confirmParams?.return_url;
    const collected = element.collect();
    if ('error' in collected) return collected;
    // A redirect method always leaves the page, whatever `redirect` says, so it needs somewhere to come back to.
    if (!returnUrl && (redirect !== 'if_required' || collected.type === 'bank_redirect')) {
      return stripeError({ type: 'invalid_request_error', message: 'A return_url is required to confirm.' });
    }

    // Re-enabled when the attempt ends; one that leaves for the bank never ends, so the form stays disabled.
    element.setDisabled(true);
    let intent: DemoPaymentIntent;
    let authenticationFailed = false;
    try {
      const confirm: DemoConfirmBody = { client_secret: secret, ...collected.method };
      if (collected.type === 'bank_redirect') confirm.return_url = absoluteUrl(returnUrl ?? '');
      intent = await api.post<DemoPaymentIntent>(intentPath(id, 'confirm'), confirm);
      if (intent.status === 'requires_action') {
        intent = await runNextAction(intent, secret);
        authenticationFailed = intent.status !== 'succeeded' && intent.status !== 'processing';
      }
    } catch (error) {
      return errorFromApi(error);
    } finally {
      element.setDisabled(false);
    }

    const result = resultOf(intent);
    if (redirect !== 'if_required' && returnUrl && ('paymentIntent' in result || authenticationFailed)) {
      // Stripe leaves the page here; its promise never settles.
      navigate(withRedirectParams(returnUrl, intent, authenticationFailed ? 'failed' : 'succeeded'));
      return leaving();
    }
    return result;
  }

  /**
   * Turns the Payment Element's details into a single-use ConfirmationToken for the server to
   * confirm the PaymentIntent with ("finalize payments on the server").
   */
  async function createConfirmationToken({
    elements,
    params,
  }: CreateConfirmationTokenOptions): Promise<ConfirmationTokenResult> {
    if (!(elements instanceof DemoElements)) return stripeError({ type: 'invalid_request_error', message: NOT_READY });
    elements.requireSubmit('createConfirmationToken');
    const element = elements.payment;
    if (!element) return stripeError({ type: 'invalid_request_error', message: NOT_READY });
    const collected = element.collect();
    if ('error' in collected) return collected;
    const returnUrl = params?.return_url;
    if (!returnUrl && collected.type === 'bank_redirect') {
      return stripeError({
        type: 'invalid_request_error',
        message: 'A return_url is required for this payment method.',
      });
    }

    const body: DemoConfirmationTokenBody = { ...collected.method };
    if (returnUrl) body.return_url = absoluteUrl(returnUrl);
    element.setDisabled(true);
    try {
      const token = await api.post<DemoConfirmationToken>(CONFIRMATION_TOKENS_PATH, body);
      return { confirmationToken: token as unknown as ConfirmationToken };
    } catch (error) {
      return errorFromApi(error);
    } finally {
      element.setDisabled(false);
    }
  }

  /**
   * Finishes a PaymentIntent the server confirmed and left in requires_action: the 3D Secure
   * dialog, or the bank's page (never settles, as the page leaves). Like Stripe.js, it throws
   * for a PaymentIntent in any other status.
   */
  async function handleNextAction({ clientSecret }: { clientSecret: string }): Promise<PaymentIntentResult> {
    const id = paymentIntentIdFrom(clientSecret);
    if (!id) throw new IntegrationError('stripe.handleNextAction() needs a PaymentIntent client secret.');
    let intent: DemoPaymentIntent;
    try {
      intent = await api.get<DemoPaymentIntent>(intentPath(id), { query: { client_secret: clientSecret } });
    } catch (error) {
      return errorFromApi(error);
    }
    if (intent.status !== 'requires_action' || !intent.next_action) {
      throw new IntegrationError(
        `stripe.handleNextAction(): the PaymentIntent is ${intent.status}, not requires_action.`,
      );
    }
    try {
      intent = await runNextAction(intent, clientSecret);
    } catch (error) {
      return errorFromApi(error);
    }
    return resultOf(intent);
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
    elements: (elementsOptions?: StripeElementsOptions) => new DemoElements(elementsOptions, now),
    confirmPayment,
    createConfirmationToken,
    handleNextAction,
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
