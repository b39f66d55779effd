/** The demo Payment Element's SEPA Direct Debit tab: an IBAN, the mandate, and the test IBANs. */
import { applyLock, el, input, labelledField, uniqueId, type LockState } from './dom';
import { formatIban, ibanError, normalizeIban, TEST_IBANS } from './ibanValidation';

export interface SepaForm {
  root: HTMLElement;
  /** Shows the IBAN's error (as on paying); returns the IBAN or the error message. */
  validate: () => { iban: string } | { error: string };
  state: () => { empty: boolean; complete: boolean; error: string | null };
  lock: (state: LockState) => void;
  focus: () => void;
  clear: () => void;
  destroy: () => void;
}

export function createSepaForm(onChange: () => void): SepaForm {
  const root = el('div', 'dx-sepa');
  const control = input({ name: 'iban', placeholder: 'DE00 0000 0000 0000 0000 00', maxLength: 42 });
  control.setAttribute('autocomplete', 'off');
  control.setAttribute('autocapitalize', 'characters');
  const field = labelledField(control, uniqueId('demo-iban'), 'IBAN', 'dx-field--wide');
  let error: string | null = null;
  let touched = false;

  const mandate = el(
    'p',
    'dx-note',
    'By paying, you authorise the shop (a demo) and Stripe, its payment provider, to debit this account ' +
      'for the amount shown. Your bank refunds a debit you ask back within 8 weeks.',
  );
  const tests = el('div', 'dx-note');
  tests.append(el('p', 'dx-note__title', 'Test IBANs'));
  const list = el('ul', 'dx-note__list');
  for (const { iban, outcome } of TEST_IBANS) {
    const item = el('li', '');
    item.append(el('code', '', formatIban(iban)), document.createTextNode(`: ${outcome}`));
    list.append(item);
  }
  tests.append(list);
  root.append(field.wrapper, mandate, tests);

  const show = (message: string | null) => {
    error = message;
    field.setError(message);
  };
  const onInput = () => {
    const atEnd = (control.selectionStart ?? control.value.length) >= control.value.length;
    control.value = formatIban(control.value);
    if (atEnd) control.setSelectionRange(control.value.length, control.value.length);
    show(ibanError(control.value, touched));
    onChange();
  };
  const onBlur = () => {
    if (control.value === '') return;
    touched = true;
    show(ibanError(control.value, true));
    onChange();
  };
  control.addEventListener('input', onInput);
  control.addEventListener('blur', onBlur);

  return {
    root,
    validate() {
      touched = true;
      show(ibanError(control.value, true));
      onChange();
      if (error) {
        control.focus();
        return { error };
      }
      return { iban: normalizeIban(control.value) };
    },
    state: () => ({
      empty: control.value === '',
      complete: ibanError(control.value, true) === null,
      error,
    }),
    lock: (state) => applyLock([control], state),
    focus: () => control.focus(),
    clear: () => {
      control.value = '';
      touched = false;
      show(null);
      onChange();
    },
    destroy: () => {
      control.removeEventListener('input', onInput);
      control.removeEventListener('blur', onBlur);
      root.remove();
    },
  };
}
