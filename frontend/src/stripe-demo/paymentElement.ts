/**
 * The demo Payment Element: a choice of payment method (card, a bank redirect, SEPA Direct
 * Debit) and the form of the one chosen. Its change events have Stripe's shape:
 * {elementType: 'payment', collapsed, empty, complete, value: {type}}. Like Stripe's, it takes
 * `readOnly` at creation and in update().
 */
import type { StripeError, StripePaymentElementOptions } from '@stripe/stripe-js';
import type { DemoConfirmBody } from '../lib/api';
import { formatMoney } from '../lib/money';
import { createCardForm, type CardForm } from './cardForm';
import { applyLock, el, uniqueId } from './dom';
import { DemoElement, type DemoForm } from './element';
import { createSepaForm, type SepaForm } from './sepaForm';

export type DemoMethodType = 'card' | 'bank_redirect' | 'sepa_debit';

/** What the Elements group will charge, when it was created with an amount (deferred mode). */
export interface DemoAmount {
  amount: number;
  currency: string;
}

/** The payment method part of the body POST /demo/payment_intents/<id>/confirm takes. */
export type DemoMethod = Pick<DemoConfirmBody, 'card' | 'bank_redirect' | 'sepa_debit'>;

const METHODS: { type: DemoMethodType; label: string }[] = [
  { type: 'card', label: 'Card' },
  { type: 'bank_redirect', label: 'Bank redirect (demo bank)' },
  { type: 'sepa_debit', label: 'SEPA Direct Debit' },
];

function validationError(message: string, code?: string): { error: StripeError } {
  return { error: { type: 'validation_error', code, message } };
}

/** The bank redirect tab's note, with the amount the bank will ask for where it is known. */
function bankRedirectNote(amount: DemoAmount | null): string {
  const payment = amount ? `the payment of ${formatMoney(amount.amount, amount.currency)}` : 'the payment';
  return `When you pay, you'll go to the demo bank's page to approve or refuse ${payment}, then come back here.`;
}

export class DemoPaymentElement extends DemoElement<StripePaymentElementOptions | undefined> {
  private method: DemoMethodType = 'card';
  private card: CardForm | null = null;
  private sepa: SepaForm | null = null;
  private amount: DemoAmount | null = null;
  private bankNote: HTMLElement | null = null;

  constructor(
    options: StripePaymentElementOptions | undefined,
    onDestroy: () => void,
    private readonly now: () => Date,
  ) {
    super('payment', options, onDestroy);
  }

  /** Follows the Elements group's amount (elements.update), as Stripe's shows it for some methods. */
  setAmount(amount: DemoAmount | null): void {
    this.amount = amount;
    if (this.bankNote) this.bankNote.textContent = bankRedirectNote(amount);
  }

  /** The chosen method's details, validated (errors shown in the form); used when paying. */
  collect(): { method: DemoMethod; type: DemoMethodType } | { error: StripeError } {
    if (!this.form || !this.card || !this.sepa) {
      return { error: { type: 'invalid_request_error', message: 'The payment form is not on the page.' } };
    }
    if (this.method === 'bank_redirect') return { method: { bank_redirect: {} }, type: 'bank_redirect' };
    if (this.method === 'sepa_debit') {
      const result = this.sepa.validate();
      return 'error' in result
        ? validationError(result.error, 'invalid_iban')
        : { method: { sepa_debit: { iban: result.iban } }, type: 'sepa_debit' };
    }
    const result = this.card.validate();
    return 'error' in result
      ? validationError(result.error.message, result.error.code)
      : { method: { card: result.card }, type: 'card' };
  }

  protected render(container: HTMLElement): DemoForm {
    const root = el('div', 'dx-payment');
    const name = uniqueId('demo-method');
    const chooser = el('fieldset', 'dx-methods');
    chooser.append(el('legend', 'dx-methods__legend', 'Payment method'));
    const options = el('div', 'dx-methods__options');
    chooser.append(options);
    root.append(chooser);

    const panels = new Map<DemoMethodType, HTMLElement>();
    const radios: HTMLInputElement[] = [];
    for (const { type, label } of METHODS) {
      const option = el('label', 'dx-method');
      const radio = document.createElement('input');
      Object.assign(radio, { type: 'radio', name, value: type, checked: type === this.method });
      radio.className = 'dx-method__radio';
      option.append(radio, document.createTextNode(label));
      options.append(option);
      radios.push(radio);
      const panel = el('div', 'dx-panel');
      panel.hidden = type !== this.method;
      panels.set(type, panel);
      root.append(panel);
    }

    const changed = () => this.emit('change', this.changeEvent());
    this.card = createCardForm(panels.get('card') ?? root, changed, this.now);
    this.sepa = createSepaForm(changed);
    panels.get('sepa_debit')?.append(this.sepa.root);
    this.bankNote = el('p', 'dx-note', bankRedirectNote(this.amount));
    panels.get('bank_redirect')?.append(this.bankNote);
    container.append(root);

    const onChoose = (event: Event) => {
      const radio = event.target as HTMLInputElement;
      this.method = radio.value as DemoMethodType;
      for (const [type, panel] of panels) panel.hidden = type !== this.method;
      changed();
    };
    for (const radio of radios) radio.addEventListener('change', onChoose);

    return {
      root,
      focus: () => radios.find((radio) => radio.checked)?.focus(),
      clear: () => {
        this.card?.clear();
        this.sepa?.clear();
      },
      lock: (state) => {
        applyLock(radios, state);
        this.card?.lock(state);
        this.sepa?.lock(state);
      },
      destroy: () => {
        for (const radio of radios) radio.removeEventListener('change', onChoose);
        this.card?.destroy();
        this.sepa?.destroy();
        this.card = null;
        this.sepa = null;
        this.bankNote = null;
        root.remove();
      },
    };
  }

  private changeEvent() {
    let state: { empty: boolean; complete: boolean; error: { code?: string; message: string } | null };
    if (this.method === 'bank_redirect') state = { empty: false, complete: true, error: null };
    else if (this.method === 'sepa_debit' && this.sepa) {
      const sepa = this.sepa.state();
      state = { ...sepa, error: sepa.error ? { code: 'invalid_iban', message: sepa.error } : null };
    } else state = this.card?.state() ?? { empty: true, complete: false, error: null };
    return {
      elementType: 'payment',
      collapsed: false,
      empty: state.empty,
      complete: state.complete,
      value: { type: this.method },
      error: state.error ? { type: 'validation_error', ...state.error } : undefined,
    };
  }
}
