/**
 * The demo `elements` group, as Stripe's: created with a PaymentIntent's client secret, or
 * without an intent (deferred mode: `mode: 'payment'`, `amount`, `currency`), which update()
 * changes and submit() validates before the page creates the intent. It holds at most one
 * Element of each type.
 */
import type {
  StripeAddressElementOptions,
  StripeElementsOptions,
  StripeElementsUpdateOptions,
  StripeError,
  StripeLinkAuthenticationElementOptions,
  StripePaymentElementOptions,
} from '@stripe/stripe-js';
import { DemoAddressElement } from './addressElement';
import { DemoLinkAuthenticationElement } from './linkAuthentication';
import { DemoPaymentElement, type DemoAmount, type DemoMethodType } from './paymentElement';
import { IntegrationError, stripeError } from './results';

type AnyDemoElement = DemoPaymentElement | DemoLinkAuthenticationElement | DemoAddressElement;

type SubmitResult = { error: StripeError } | { selectedPaymentMethod: DemoMethodType };

function checkedAmount(amount: unknown): number {
  if (typeof amount !== 'number' || !Number.isInteger(amount) || amount < 0) {
    throw new IntegrationError(`amount must be a whole number of the currency's smallest unit, not ${String(amount)}.`);
  }
  return amount;
}

function checkedCurrency(currency: unknown): string {
  if (typeof currency !== 'string' || !/^[a-z]{3}$/i.test(currency)) {
    throw new IntegrationError(`currency must be a three-letter ISO code, not ${String(currency)}.`);
  }
  return currency.toLowerCase();
}

function checkedMode(mode: unknown): 'payment' {
  if (mode !== 'payment') throw new IntegrationError(`The demo supports mode 'payment' only, not '${String(mode)}'.`);
  return mode;
}

export class DemoElements {
  private readonly created = new Map<string, AnyDemoElement>();
  private readonly updateEndHandlers = new Set<() => void>();
  readonly clientSecret: string | null;
  /** What the shopper will pay, in deferred mode (created without an intent); null otherwise. */
  private deferred: DemoAmount | null;
  /** Whether the last submit() found the payment details valid: deferred mode needs it before paying. */
  private submitted = false;

  constructor(
    options: StripeElementsOptions | undefined,
    private readonly now: () => Date,
  ) {
    const { clientSecret, mode } = options ?? {};
    if (clientSecret && mode) throw new IntegrationError('Use either mode or clientSecret to create Elements, not both.');
    this.clientSecret = clientSecret ?? null;
    if (mode === undefined) {
      this.deferred = null;
    } else {
      checkedMode(mode);
      const { amount, currency } = options as { amount?: unknown; currency?: unknown };
      this.deferred = { amount: checkedAmount(amount), currency: checkedCurrency(currency) };
    }
  }

  /** Created without an intent: the page creates it at Pay and passes its client secret then. */
  get isDeferred(): boolean {
    return this.deferred !== null;
  }

  /** The amount and currency the group was given (deferred mode), for the Payment Element to show. */
  get amount(): DemoAmount | null {
    return this.deferred && { ...this.deferred };
  }

  create(type: string, options?: unknown): AnyDemoElement {
    if (this.created.has(type)) throw new Error(`Can only create one Element of type ${type}.`);
    const forget = () => {
      if (this.created.get(type) === element) this.created.delete(type);
    };
    let element: AnyDemoElement;
    if (type === 'payment') {
      const payment = new DemoPaymentElement(options as StripePaymentElementOptions | undefined, forget, this.now);
      payment.setAmount(this.amount);
      element = payment;
    } else if (type === 'linkAuthentication') {
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

  /** The Payment Element, where one is created. */
  get payment(): DemoPaymentElement | null {
    const element = this.created.get('payment');
    return element instanceof DemoPaymentElement ? element : null;
  }

  /**
   * Stripe's elements.update: merges the options given. @stripe/react-stripe-js calls it with
   * the keys of <Elements options> that changed (never clientSecret, which can't change).
   * Throws, as Stripe.js does, for an amount or currency that makes no sense, or for one given
   * to a group that has a PaymentIntent already.
   */
  update(options: StripeElementsUpdateOptions): Promise<void> {
    if ('clientSecret' in options) throw new IntegrationError('clientSecret cannot be updated; create new Elements.');
    const { mode, amount, currency } = options;
    if (mode !== undefined || amount !== undefined || currency !== undefined) {
      if (!this.deferred) {
        throw new IntegrationError('mode, amount and currency can be updated only on Elements created with mode.');
      }
      if (mode !== undefined) checkedMode(mode);
      this.deferred = {
        amount: amount === undefined ? this.deferred.amount : checkedAmount(amount),
        currency: currency === undefined ? this.deferred.currency : checkedCurrency(currency),
      };
      this.payment?.setAmount(this.amount);
    }
    // Other options (appearance, locale, fonts...) change nothing in the stand-in's own styles.
    return Promise.resolve().then(() => {
      for (const handler of [...this.updateEndHandlers]) handler();
    });
  }

  on(event: 'update-end', handler: () => void): void {
    if (event === 'update-end') this.updateEndHandlers.add(handler);
  }

  off(event: 'update-end', handler: () => void): void {
    if (event === 'update-end') this.updateEndHandlers.delete(handler);
  }

  /** Stripe's client-side refresh from the PaymentIntent; the stand-in's form has nothing to refresh. */
  fetchUpdates(): Promise<object> {
    return Promise.resolve({});
  }

  /**
   * Validates the Payment Element as Stripe's submit() does: each problem shown beside its
   * field, the first one focused, and resolved as a validation_error.
   */
  submit(): Promise<SubmitResult> {
    const element = this.payment;
    if (!element) {
      return Promise.resolve(stripeError({ type: 'invalid_request_error', message: 'No payment form to submit.' }));
    }
    const result = element.collect();
    this.submitted = !('error' in result);
    return Promise.resolve('error' in result ? result : { selectedPaymentMethod: result.type });
  }

  /** Stripe.js refuses to pay from deferred Elements that submit() has not validated. */
  requireSubmit(method: string): void {
    if (this.deferred && !this.submitted) {
      throw new IntegrationError(
        `elements.submit() must be called before stripe.${method}(). Call elements.submit() as soon as the ` +
          'customer presses pay, before any asynchronous work.',
      );
    }
  }
}
