/**
 * A local stand-in for the few Stripe.js calls the checkout makes, for demo mode (no
 * Stripe keys, no network beyond the shop). It drives the real <Elements> and
 * <PaymentElement> from @stripe/react-stripe-js and talks to the shop's /demo
 * endpoints the way Stripe.js talks to Stripe. Only ever loaded by dynamic import.
 */
import type { PaymentIntent, Stripe, StripeError } from '@stripe/stripe-js';
import {
  api,
  isApiError,
  type DemoAuthenticateBody,
  type DemoCard,
  type DemoConfirmBody,
  type DemoPaymentIntent,
} from '../../../lib/api';
import { askForAuthentication } from './authDialog';
import { createCardForm, type CardForm, type CardFormState } from './cardForm';
import './demo.css';

export interface DemoStripeOptions {
  /** Full-page navigation for `redirect: 'always'`; replaceable in tests. */
  navigate?: (url: string) => void;
  /** Asks the shopper to authenticate (3D Secure stand-in); replaceable in tests. */
  authenticate?: (intent: DemoPaymentIntent) => Promise<boolean>;
  now?: () => Date;
}

type Handler = (event?: unknown) => void;
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

function intentPath(id: string, action?: 'confirm' | 'authenticate'): string {
  const base = `/demo/payment_intents/${encodeURIComponent(id)}`;
  return action ? `${base}/${action}` : base;
}

/** The demo Payment Element: an event emitter around the card form. */
class DemoPaymentElement {
  private readonly handlers = new Map<string, Set<Handler>>();
  private form: CardForm | null = null;
  private ready = false;
  private readyTimer: number | undefined;

  constructor(
    private readonly onDestroy: () => void,
    private readonly now: () => Date,
  ) {}

  mount(target: HTMLElement | string): void {
    const container = typeof target === 'string' ? document.querySelector<HTMLElement>(target) : target;
    if (!container) throw new Error('The payment form has nowhere to mount.');
    if (this.form) throw new Error('This Element is already mounted.');
    this.form = createCardForm(container, (state) => this.emit('change', this.changeEvent(state)), this.now);
    // Stripe's element reports ready asynchronously, once its iframe has loaded.
    this.readyTimer = window.setTimeout(() => {
      this.ready = true;
      this.emit('ready', { elementType: 'payment' });
    }, 0);
  }

  on(event: string, handler: Handler): this {
    let set = this.handlers.get(event);
    if (!set) {
      set = new Set();
      this.handlers.set(event, set);
    }
    set.add(handler);
    // A listener added after the element is ready still learns that it is.
    if (event === 'ready' && this.ready) queueMicrotask(() => handler({ elementType: 'payment' }));
    return this;
  }

  once(event: string, handler: Handler): this {
    const wrapped: Handler = (payload) => {
      this.off(event, wrapped);
      handler(payload);
    };
    return this.on(event, wrapped);
  }

  off(event: string, handler?: Handler): this {
    if (handler) this.handlers.get(event)?.delete(handler);
    else this.handlers.delete(event);
    return this;
  }

  update(): this {
    return this;
  }

  collapse(): this {
    return this;
  }

  focus(): this {
    this.form?.focus();
    return this;
  }

  blur(): this {
    this.form?.blur();
    return this;
  }

  clear(): this {
    this.form?.clear();
    return this;
  }

  unmount(): this {
    window.clearTimeout(this.readyTimer);
    this.form?.destroy();
    this.form = null;
    this.ready = false;
    return this;
  }

  destroy(): this {
    this.unmount();
    this.handlers.clear();
    this.onDestroy();
    return this;
  }

  /** Validates every field; used by confirmPayment and elements.submit. */
  collect(): { card: DemoCard } | { error: StripeError } {
    if (!this.form) {
      return stripeError({ type: 'invalid_request_error', message: 'The payment form is not on the page.' });
    }
    const result = this.form.validate();
    if ('error' in result) {
      return stripeError({ type: 'validation_error', code: result.error.code, message: result.error.message });
    }
    return result;
  }

  setDisabled(disabled: boolean): void {
    this.form?.setDisabled(disabled);
  }

  private changeEvent(state: CardFormState) {
    return {
      elementType: 'payment',
      collapsed: false,
      empty: state.empty,
      complete: state.complete,
      value: { type: 'card' },
      error: state.error ? { type: 'validation_error', ...state.error } : undefined,
    };
  }

  private emit(event: string, payload: unknown): void {
    for (const handler of [...(this.handlers.get(event) ?? [])]) handler(payload);
  }
}

/** The demo `elements` group: holds the client secret and the one Payment Element. */
class DemoElements {
  private paymentElement: DemoPaymentElement | null = null;
  clientSecret: string | null;

  constructor(
    options: { clientSecret?: string } | undefined,
    private readonly now: () => Date,
  ) {
    this.clientSecret = options?.clientSecret ?? null;
  }

  create(type: string): DemoPaymentElement {
    if (type !== 'payment') {
      throw new Error(`The demo payment form only supports the Payment Element, not "${type}".`);
    }
    if (this.paymentElement) throw new Error('Can only create one Element of type payment.');
    const element = new DemoPaymentElement(() => {
      if (this.paymentElement === element) this.paymentElement = null;
    }, this.now);
    this.paymentElement = element;
    return element;
  }

  getElement(type: string): DemoPaymentElement | null {
    return type === 'payment' ? this.paymentElement : null;
  }

  update(options: { clientSecret?: string }): void {
    if (options.clientSecret) this.clientSecret = options.clientSecret;
  }

  /** The server re-prices the PaymentIntent itself; the demo form shows no amount to refresh. */
  fetchUpdates(): Promise<object> {
    return Promise.resolve({});
  }

  submit(): Promise<{ error?: StripeError }> {
    const element = this.paymentElement;
    if (!element) {
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
  const navigate = options.navigate ?? ((url: string) => window.location.assign(url));
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
    if (!secret || !id || !element) {
      return stripeError({ type: 'invalid_request_error', message: 'The payment form is not ready yet.' });
    }
    if (redirect !== 'if_required' && !confirmParams?.return_url) {
      return stripeError({ type: 'invalid_request_error', message: 'A return_url is required to confirm.' });
    }
    const collected = element.collect();
    if ('error' in collected) return collected;

    element.setDisabled(true);
    let intent: DemoPaymentIntent;
    let authenticationFailed = false;
    try {
      const confirm: DemoConfirmBody = { client_secret: secret, card: collected.card };
      intent = await api.post<DemoPaymentIntent>(intentPath(id, 'confirm'), confirm);
      if (intent.status === 'requires_action') {
        const approve = await authenticate(intent);
        const answer: DemoAuthenticateBody = { client_secret: secret, approve };
        intent = await api.post<DemoPaymentIntent>(intentPath(id, 'authenticate'), answer);
        authenticationFailed = intent.status !== 'succeeded' && intent.status !== 'processing';
      }
    } catch (error) {
      return errorFromApi(error);
    } finally {
      element.setDisabled(false);
    }

    const result = resultOf(intent);
    const returnUrl = confirmParams?.return_url;
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
