/**
 * The demo payment form: plain DOM (like Stripe's iframe, it lives outside the app's
 * React tree) with live formatting and Stripe-style inline field errors.
 */
import type { DemoCard } from '../lib/api';
import {
  cardNumberError,
  cvcError,
  digitsOf,
  expiryError,
  formatCardNumber,
  formatExpiry,
  parseExpiry,
  type FieldError,
} from './cardValidation';
import { applyLock, type LockState } from './dom';

export interface CardFormState {
  empty: boolean;
  complete: boolean;
  error: FieldError | null;
}

export interface CardForm {
  /** Shows every field's error (as on submit); returns the card or the first error. */
  validate: () => { card: DemoCard } | { error: FieldError };
  state: () => CardFormState;
  lock: (state: LockState) => void;
  focus: () => void;
  blur: () => void;
  clear: () => void;
  destroy: () => void;
}

interface FieldSpec {
  name: 'number' | 'expiry' | 'cvc';
  label: string;
  placeholder: string;
  autocomplete: string;
  maxLength: number;
  format: (value: string, deleting: boolean) => string;
  check: (value: string, final: boolean) => FieldError | null;
}

interface Field {
  spec: FieldSpec;
  input: HTMLInputElement;
  errorNode: HTMLElement;
  /** Left at least once: unfinished values now count as errors. */
  touched: boolean;
  error: FieldError | null;
}

let formCount = 0;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = className;
  return node;
}

/** Keeps the caret after the same number of digits when formatting rewrites the value. */
function caretAfterDigits(formatted: string, digitCount: number): number {
  if (digitCount === 0) return 0;
  let seen = 0;
  for (let i = 0; i < formatted.length; i += 1) {
    if (/\d/.test(formatted[i] ?? '')) seen += 1;
    if (seen === digitCount) return i + 1;
  }
  return formatted.length;
}

export function createCardForm(
  container: HTMLElement,
  onChange: (state: CardFormState) => void,
  now: () => Date = () => new Date(),
): CardForm {
  formCount += 1;
  const prefix = `demo-card-${formCount}`;
  const specs: FieldSpec[] = [
    {
      name: 'number',
      label: 'Card number',
      placeholder: '1234 1234 1234 1234',
      autocomplete: 'cc-number',
      maxLength: 19,
      format: (value) => formatCardNumber(value),
      check: cardNumberError,
    },
    {
      name: 'expiry',
      label: 'Expiration date',
      placeholder: 'MM / YY',
      autocomplete: 'cc-exp',
      maxLength: 7,
      format: formatExpiry,
      check: (value, final) => expiryError(value, final, now()),
    },
    {
      name: 'cvc',
      label: 'Security code',
      placeholder: 'CVC',
      autocomplete: 'cc-csc',
      maxLength: 4,
      format: (value) => digitsOf(value).slice(0, 4),
      check: cvcError,
    },
  ];

  const root = el('div', 'dx-card');
  const grid = el('div', 'dx-card__grid');
  root.append(grid);

  const fields: Field[] = specs.map((spec) => {
    const wrapper = el('div', `dx-field dx-field--${spec.name}`);
    const id = `${prefix}-${spec.name}`;
    const label = el('label', 'dx-field__label');
    label.htmlFor = id;
    label.textContent = spec.label;
    const input = el('input', 'dx-field__input');
    Object.assign(input, {
      id,
      name: spec.name,
      type: 'text',
      inputMode: 'numeric',
      autocomplete: spec.autocomplete,
      placeholder: spec.placeholder,
      maxLength: spec.maxLength,
      spellcheck: false,
    });
    const errorNode = el('p', 'dx-field__error');
    errorNode.id = `${id}-error`;
    errorNode.setAttribute('aria-live', 'polite');
    input.setAttribute('aria-describedby', errorNode.id);
    wrapper.append(label, input, errorNode);
    grid.append(wrapper);
    return { spec, input, errorNode, touched: false, error: null };
  });

  const render = (field: Field) => {
    field.errorNode.textContent = field.error?.message ?? '';
    field.input.setAttribute('aria-invalid', field.error ? 'true' : 'false');
    field.input.classList.toggle('dx-field__input--invalid', Boolean(field.error));
  };

  const state = (): CardFormState => {
    const empty = fields.every((field) => field.input.value === '');
    const complete = fields.every((field) => field.spec.check(field.input.value, true) === null);
    const error = fields.find((field) => field.error)?.error ?? null;
    return { empty, complete, error };
  };

  const onInput = (field: Field, event: Event) => {
    const { input } = field;
    const deleting = event instanceof InputEvent && event.inputType.startsWith('delete');
    const caret = input.selectionStart ?? input.value.length;
    const digitsBeforeCaret = digitsOf(input.value.slice(0, caret)).length;
    const atEnd = caret >= input.value.length;
    input.value = field.spec.format(input.value, deleting);
    const position = atEnd ? input.value.length : caretAfterDigits(input.value, digitsBeforeCaret);
    input.setSelectionRange(position, position);

    field.error = field.spec.check(input.value, field.touched);
    render(field);
    onChange(state());
    // Focus stays put (no jump to the next field): Tab order is the shopper's to drive.
  };

  const onBlur = (field: Field) => {
    if (field.input.value === '') return;
    field.touched = true;
    field.error = field.spec.check(field.input.value, true);
    render(field);
    onChange(state());
  };

  const cleanups = fields.map((field) => {
    const input = (event: Event) => onInput(field, event);
    const blur = () => onBlur(field);
    field.input.addEventListener('input', input);
    field.input.addEventListener('blur', blur);
    return () => {
      field.input.removeEventListener('input', input);
      field.input.removeEventListener('blur', blur);
    };
  });

  container.append(root);

  const [numberField, expiryField, cvcField] = fields as [Field, Field, Field];

  return {
    validate() {
      for (const field of fields) {
        field.touched = true;
        field.error = field.spec.check(field.input.value, true);
        render(field);
      }
      onChange(state());
      const invalid = fields.find((field) => field.error);
      if (invalid?.error) {
        invalid.input.focus();
        return { error: invalid.error };
      }
      const expiry = parseExpiry(expiryField.input.value);
      if (!expiry) throw new Error('A validated expiry always parses.');
      return {
        card: {
          number: digitsOf(numberField.input.value),
          exp_month: expiry.month,
          exp_year: expiry.year,
          cvc: digitsOf(cvcField.input.value),
        },
      };
    },
    state,
    lock(lockState) {
      applyLock(
        fields.map((field) => field.input),
        lockState,
      );
    },
    focus: () => numberField.input.focus(),
    blur: () => {
      if (root.contains(document.activeElement) && document.activeElement instanceof HTMLElement) {
        document.activeElement.blur();
      }
    },
    clear() {
      for (const field of fields) {
        field.input.value = '';
        field.touched = false;
        field.error = null;
        render(field);
      }
      onChange(state());
    },
    destroy() {
      for (const cleanup of cleanups) cleanup();
      root.remove();
    },
  };
}
