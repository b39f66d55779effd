/**
 * The demo Link Authentication Element: the email field of Stripe's, without Link itself.
 * Its change events have Stripe's shape: {elementType, empty, complete, value: {email}}.
 */
import type { StripeLinkAuthenticationElementOptions } from '@stripe/stripe-js';
import { applyLock, el, input, labelledField, uniqueId } from './dom';
import { DemoElement, type DemoForm } from './element';

export const EMAIL_INVALID = 'Your email address is invalid.';

/** Roughly what Stripe accepts as complete: something@domain.tld, no spaces. */
export function isCompleteEmail(value: string): boolean {
  return /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/.test(value.trim());
}

export class DemoLinkAuthenticationElement extends DemoElement<StripeLinkAuthenticationElementOptions | undefined> {
  private email: HTMLInputElement | null = null;

  constructor(options: StripeLinkAuthenticationElementOptions | undefined, onDestroy: () => void) {
    super('linkAuthentication', options, onDestroy);
  }

  protected render(container: HTMLElement): DemoForm {
    const root = el('div', 'dx-link');
    const email = input({ type: 'email', inputMode: 'email', value: this.options?.defaultValues?.email ?? '' });
    email.setAttribute('autocomplete', 'email');
    const field = labelledField(email, uniqueId('demo-email'), 'Email');
    root.append(field.wrapper);
    container.append(root);
    this.email = email;

    const onInput = () => {
      // An error shown on leaving the field goes as soon as the address is right.
      if (isCompleteEmail(email.value)) field.setError(null);
      this.emit('change', this.changeEvent());
    };
    const onBlur = () => field.setError(email.value.trim() && !isCompleteEmail(email.value) ? EMAIL_INVALID : null);
    email.addEventListener('input', onInput);
    email.addEventListener('blur', onBlur);

    return {
      root,
      focus: () => email.focus(),
      clear: () => {
        email.value = '';
        field.setError(null);
        this.emit('change', this.changeEvent());
      },
      lock: (state) => applyLock([email], state),
      destroy: () => {
        email.removeEventListener('input', onInput);
        email.removeEventListener('blur', onBlur);
        root.remove();
        this.email = null;
      },
    };
  }

  private changeEvent() {
    const email = this.email?.value.trim() ?? '';
    return { elementType: 'linkAuthentication' as const, empty: email === '', complete: isCompleteEmail(email), value: { email } };
  }
}
