/** Small DOM helpers for the demo forms: labelled fields with a Stripe-style error line. */

let idCount = 0;

/** A document-unique id for a demo form's field. */
export function uniqueId(prefix: string): string {
  idCount += 1;
  return `${prefix}-${idCount}`;
}

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export interface LabelledField<T extends HTMLInputElement | HTMLSelectElement> {
  wrapper: HTMLDivElement;
  label: HTMLLabelElement;
  control: T;
  errorNode: HTMLParagraphElement;
  /** Shows `message` under the field (or clears it) and marks the control invalid. */
  setError: (message: string | null) => void;
}

/** A label, the control and its error line, linked by for/id and aria-describedby. */
export function labelledField<T extends HTMLInputElement | HTMLSelectElement>(
  control: T,
  id: string,
  labelText: string,
  className = '',
): LabelledField<T> {
  const wrapper = el('div', `dx-field ${className}`.trim());
  const label = el('label', 'dx-field__label', labelText);
  label.htmlFor = id;
  control.id = id;
  control.classList.add('dx-field__input');
  const errorNode = el('p', 'dx-field__error');
  errorNode.id = `${id}-error`;
  errorNode.setAttribute('aria-live', 'polite');
  control.setAttribute('aria-describedby', errorNode.id);
  wrapper.append(label, control, errorNode);
  const setError = (message: string | null) => {
    errorNode.textContent = message ?? '';
    control.setAttribute('aria-invalid', message ? 'true' : 'false');
    control.classList.toggle('dx-field__input--invalid', Boolean(message));
  };
  setError(null);
  return { wrapper, label, control, errorNode, setError };
}

/** An <input> with the given properties (id, label and error come from labelledField). */
export function input(properties: Partial<HTMLInputElement>): HTMLInputElement {
  const node = document.createElement('input');
  Object.assign(node, { type: 'text', spellcheck: false, ...properties });
  return node;
}

/** How far a form is locked: by the page (`readOnly`, Stripe's option) or while a payment is under way. */
export interface LockState {
  disabled: boolean;
  readOnly: boolean;
}

/**
 * Locks form controls. Text fields become read-only, so they stay focusable and readable (a
 * screen reader still reads what was typed); radios and selects have no read-only state in
 * HTML, so they are disabled instead.
 */
export function applyLock(
  controls: Iterable<HTMLInputElement | HTMLSelectElement>,
  { disabled, readOnly }: LockState,
): void {
  for (const control of controls) {
    if (control instanceof HTMLInputElement && control.type !== 'radio' && control.type !== 'checkbox') {
      control.readOnly = readOnly;
      control.disabled = disabled;
    } else {
      control.disabled = disabled || readOnly;
    }
  }
}
