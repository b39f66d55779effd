/**
 * The demo Address Element (shipping mode): country, name, address lines, city, state or
 * region, postal code and phone, with the autocomplete tokens browsers fill them by. Its
 * change events and getValue() have Stripe's shape:
 * {elementType, elementMode, empty, complete, isNewAddress, value: {name, phone, address}}.
 * Like Stripe's, it checks that required fields are filled; the server checks the rest
 * (postal code formats...) and the page shows what it says.
 */
import type { StripeAddressElementChangeEvent, StripeAddressElementOptions } from '@stripe/stripe-js';
import { applyLock, el, input, labelledField, uniqueId, type LabelledField } from './dom';
import { DemoElement, type DemoForm } from './element';

export const FIELD_INCOMPLETE = 'This field is incomplete.';

interface CountryForm {
  /** The state / province / region field, where the country has one. */
  state?: { label: string; required: boolean };
  postalLabel: string;
}

// How each country's addresses are asked for; others get a postal code and no region.
const COUNTRY_FORMS: Record<string, CountryForm> = {
  US: { state: { label: 'State', required: true }, postalLabel: 'ZIP code' },
  CA: { state: { label: 'Province', required: true }, postalLabel: 'Postal code' },
  AU: { state: { label: 'State or territory', required: true }, postalLabel: 'Postcode' },
  JP: { state: { label: 'Prefecture', required: true }, postalLabel: 'Postal code' },
  GB: { state: { label: 'County (optional)', required: false }, postalLabel: 'Postcode' },
  IE: { state: { label: 'County (optional)', required: false }, postalLabel: 'Eircode' },
};
const DEFAULT_FORM: CountryForm = { postalLabel: 'Postal code' };

type AddressValue = StripeAddressElementChangeEvent['value'];
type ChangeEvent = StripeAddressElementChangeEvent;

/** The country's name in English ("DE" → "Germany"), or its code where the browser has none. */
function countryName(code: string): string {
  try {
    return new Intl.DisplayNames(['en'], { type: 'region' }).of(code) ?? code;
  } catch {
    return code;
  }
}

type TextField = 'name' | 'line1' | 'line2' | 'city' | 'state' | 'postal_code' | 'phone';

interface Spec {
  name: TextField;
  label: string;
  autocomplete: string;
  type?: string;
  required: boolean;
}

const SPECS: Spec[] = [
  { name: 'name', label: 'Full name', autocomplete: 'name', required: true },
  { name: 'line1', label: 'Address line 1', autocomplete: 'address-line1', required: true },
  { name: 'line2', label: 'Address line 2 (optional)', autocomplete: 'address-line2', required: false },
  { name: 'city', label: 'City', autocomplete: 'address-level2', required: true },
  { name: 'state', label: 'State', autocomplete: 'address-level1', required: true },
  { name: 'postal_code', label: 'Postal code', autocomplete: 'postal-code', required: true },
  { name: 'phone', label: 'Phone number (optional)', autocomplete: 'tel', type: 'tel', required: false },
];

export class DemoAddressElement extends DemoElement<StripeAddressElementOptions> {
  private read: (() => ChangeEvent) | null = null;

  constructor(options: StripeAddressElementOptions, onDestroy: () => void) {
    if (options?.mode !== 'shipping' && options?.mode !== 'billing') {
      throw new Error("You must supply options.mode. mode must be 'billing' or 'shipping'.");
    }
    super('address', options, onDestroy);
  }

  /** Like Stripe's: the value, and whether it is complete (which shows what is missing). */
  getValue(): Promise<Pick<ChangeEvent, 'complete' | 'isNewAddress' | 'value'>> {
    if (!this.read) return Promise.reject(new Error('The Address Element is not mounted.'));
    const { complete, isNewAddress, value } = this.read();
    return Promise.resolve({ complete, isNewAddress, value });
  }

  protected render(container: HTMLElement): DemoForm {
    const { allowedCountries, defaultValues } = this.options;
    const countries = allowedCountries?.length ? allowedCountries : ['US'];
    const prefix = uniqueId('demo-address');
    const root = el('div', 'dx-address');

    const country = document.createElement('select');
    country.setAttribute('autocomplete', 'country');
    for (const code of countries) {
      const option = el('option', '', countryName(code));
      option.value = code;
      country.append(option);
    }
    const wanted = defaultValues?.address?.country;
    country.value = wanted && countries.includes(wanted) ? wanted : (countries[0] ?? 'US');
    const countryField = labelledField(country, `${prefix}-country`, 'Country or region', 'dx-field--wide');
    root.append(countryField.wrapper);

    const fields = new Map<TextField, LabelledField<HTMLInputElement> & { spec: Spec; touched: boolean }>();
    const initial: Record<TextField, string | null | undefined> = {
      name: defaultValues?.name,
      line1: defaultValues?.address?.line1,
      line2: defaultValues?.address?.line2,
      city: defaultValues?.address?.city,
      state: defaultValues?.address?.state,
      postal_code: defaultValues?.address?.postal_code,
      phone: defaultValues?.phone,
    };
    const showPhone = this.options.fields?.phone === 'always';
    const region = el('div', 'dx-address__region');
    for (const spec of SPECS) {
      if (spec.name === 'phone' && !showPhone) continue;
      const control = input({ name: spec.name, type: spec.type ?? 'text', value: initial[spec.name] ?? '' });
      control.setAttribute('autocomplete', spec.autocomplete);
      const wide = ['city', 'state', 'postal_code'].includes(spec.name) ? '' : 'dx-field--wide';
      const field = { ...labelledField(control, `${prefix}-${spec.name}`, spec.label, wide), spec, touched: false };
      fields.set(spec.name, field);
      // City, region and postal code share a row (the phone comes after it).
      (wide ? root : region).append(field.wrapper);
      if (spec.name === 'city') root.append(region);
    }
    container.append(root);

    const form = (): CountryForm => COUNTRY_FORMS[country.value] ?? DEFAULT_FORM;
    const required = (name: TextField): boolean => {
      if (name === 'state') return Boolean(form().state?.required);
      if (name === 'phone') return this.options.validation?.phone?.required === 'always';
      return fields.get(name)?.spec.required ?? false;
    };
    const valueOf = (name: TextField): string => fields.get(name)?.control.value.trim() ?? '';

    /** Labels and the region field follow the country, as Stripe's form does. */
    const layOut = () => {
      const { state, postalLabel } = form();
      const stateField = fields.get('state');
      if (stateField) {
        stateField.wrapper.hidden = !state;
        stateField.label.textContent = state?.label ?? 'State';
        stateField.control.setAttribute('aria-required', String(Boolean(state?.required)));
        if (!state) {
          stateField.control.value = '';
          stateField.setError(null);
        }
      }
      const postal = fields.get('postal_code');
      if (postal) postal.label.textContent = postalLabel;
      for (const [name, field] of fields) {
        if (name !== 'state') field.control.setAttribute('aria-required', String(required(name)));
      }
    };

    const read = (): ChangeEvent => {
      const value: AddressValue = {
        name: valueOf('name'),
        address: {
          line1: valueOf('line1'),
          line2: valueOf('line2') || null,
          city: valueOf('city'),
          state: valueOf('state'),
          postal_code: valueOf('postal_code'),
          country: country.value,
        },
      };
      if (showPhone) value.phone = valueOf('phone');
      const complete = [...fields.keys()].every((name) => !required(name) || valueOf(name) !== '');
      const empty = [...fields.keys()].every((name) => valueOf(name) === '');
      return { elementType: 'address', elementMode: this.options.mode, empty, complete, isNewAddress: true, value };
    };
    this.read = read;

    const changed = () => this.emit('change', read());
    const listeners: [HTMLElement, string, EventListener][] = [];
    const listen = (node: HTMLElement, type: string, listener: EventListener) => {
      node.addEventListener(type, listener);
      listeners.push([node, type, listener]);
    };
    listen(country, 'change', () => {
      layOut();
      changed();
    });
    for (const [name, field] of fields) {
      listen(field.control, 'input', () => {
        if (valueOf(name) !== '') {
          field.touched = true;
          field.setError(null);
        }
        changed();
      });
      // A required field left empty after typing in it says so, as Stripe's does.
      listen(field.control, 'blur', () => {
        field.setError(field.touched && required(name) && valueOf(name) === '' ? FIELD_INCOMPLETE : null);
      });
    }
    layOut();

    const controls = () => [country, ...[...fields.values()].map((field) => field.control)];
    return {
      root,
      focus: () => fields.get('name')?.control.focus(),
      clear: () => {
        for (const field of fields.values()) {
          field.control.value = '';
          field.touched = false;
          field.setError(null);
        }
        changed();
      },
      lock: (state) => applyLock(controls(), state),
      destroy: () => {
        for (const [node, type, listener] of listeners) node.removeEventListener(type, listener);
        root.remove();
        this.read = null;
      },
    };
  }
}
