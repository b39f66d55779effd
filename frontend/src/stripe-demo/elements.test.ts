/** The stand-in's Link Authentication and Address Elements, as @stripe/react-stripe-js drives them. */
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { StripeAddressElement, StripeAddressElementOptions, StripeElements } from '@stripe/stripe-js';
import { describe, expect, it, vi } from 'vitest';
import { createDemoStripe } from './demoStripe';

function mount(create: (elements: StripeElements) => { mount: (node: HTMLElement) => void; on: (...args: never[]) => unknown }) {
  const elements = createDemoStripe().elements();
  const element = create(elements);
  const container = document.createElement('div');
  document.body.append(container);
  const onChange = vi.fn();
  const onReady = vi.fn();
  (element.on as (event: string, handler: () => void) => unknown)('change', onChange);
  (element.on as (event: string, handler: () => void) => unknown)('ready', onReady);
  element.mount(container);
  return { elements, element, container, onChange, onReady, user: userEvent.setup() };
}

const SHIPPING: StripeAddressElementOptions = {
  mode: 'shipping',
  allowedCountries: ['US', 'CA', 'DE'],
  fields: { phone: 'always' },
  validation: { phone: { required: 'never' } },
};

function mountAddress(options: StripeAddressElementOptions = SHIPPING) {
  const mounted = mount((elements) => elements.create('address', options));
  return { ...mounted, address: mounted.element as unknown as StripeAddressElement };
}

describe('demo Link Authentication Element', () => {
  it('is a labelled email field that reports Stripe-shaped change events', async () => {
    const { onChange, onReady, user } = mount((elements) => elements.create('linkAuthentication'));

    const email = screen.getByLabelText('Email');
    expect(email).toHaveAttribute('type', 'email');
    expect(email).toHaveAttribute('autocomplete', 'email');
    await waitFor(() => expect(onReady).toHaveBeenCalledWith({ elementType: 'linkAuthentication' }));

    await user.type(email, 'ada@example');
    expect(onChange).toHaveBeenLastCalledWith({
      elementType: 'linkAuthentication',
      empty: false,
      complete: false,
      value: { email: 'ada@example' },
    });
    await user.type(email, '.com');
    expect(onChange).toHaveBeenLastCalledWith({
      elementType: 'linkAuthentication',
      empty: false,
      complete: true,
      value: { email: 'ada@example.com' },
    });
  });

  it('says an unfinished email is invalid when the shopper leaves it, not while typing', async () => {
    const { user } = mount((elements) => elements.create('linkAuthentication'));
    const email = screen.getByLabelText('Email');

    await user.type(email, 'ada@');
    expect(email).toHaveAttribute('aria-invalid', 'false');
    await user.tab();

    expect(email).toHaveAttribute('aria-invalid', 'true');
    expect(email).toHaveAccessibleDescription('Your email address is invalid.');
  });

  it('tells a change listener added late what was typed before it came', async () => {
    const elements = createDemoStripe().elements();
    const element = elements.create('linkAuthentication');
    const container = document.createElement('div');
    document.body.append(container);
    element.mount(container);
    await userEvent.setup().type(screen.getByLabelText('Email'), 'ada@example.com');

    const onChange = vi.fn();
    element.on('change', onChange);

    await waitFor(() =>
      expect(onChange).toHaveBeenCalledWith(expect.objectContaining({ complete: true, value: { email: 'ada@example.com' } })),
    );
  });

  it('starts with its default email', () => {
    mount((elements) => elements.create('linkAuthentication', { defaultValues: { email: 'ada@example.com' } }));

    expect(screen.getByLabelText('Email')).toHaveValue('ada@example.com');
  });
});

describe('demo Address Element', () => {
  it('renders labelled fields with the autocomplete tokens browsers fill them by', () => {
    mountAddress();

    const tokens = {
      'Country or region': 'country',
      'Full name': 'name',
      'Address line 1': 'address-line1',
      'Address line 2 (optional)': 'address-line2',
      City: 'address-level2',
      State: 'address-level1',
      'ZIP code': 'postal-code',
      'Phone number (optional)': 'tel',
    };
    for (const [label, token] of Object.entries(tokens)) {
      expect(screen.getByLabelText(label), label).toHaveAttribute('autocomplete', token);
    }
    expect(screen.getByLabelText('Phone number (optional)')).toHaveAttribute('type', 'tel');
    expect(screen.getByLabelText('Full name')).toHaveAttribute('aria-required', 'true');
    expect(screen.getByLabelText('Address line 2 (optional)')).toHaveAttribute('aria-required', 'false');
  });

  it('offers only the allowed countries', () => {
    mountAddress();

    const country = screen.getByRole('combobox', { name: 'Country or region' });
    expect(within(country).getAllByRole('option').map((option) => option.getAttribute('value'))).toEqual(['US', 'CA', 'DE']);
    expect(within(country).getByRole('option', { name: 'Germany' })).toBeInTheDocument();
    expect(country).toHaveValue('US');
  });

  it('emits change events shaped like Stripe’s, complete once every required field is filled', async () => {
    const { onChange, user } = mountAddress();

    await user.type(screen.getByLabelText('Full name'), 'Ada Lovelace');
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ elementType: 'address', complete: false }));
    await user.type(screen.getByLabelText('Address line 1'), '354 Oyster Point Blvd');
    await user.type(screen.getByLabelText('City'), 'South San Francisco');
    await user.type(screen.getByLabelText('State'), 'CA');
    await user.type(screen.getByLabelText('ZIP code'), '94080');

    expect(onChange).toHaveBeenLastCalledWith({
      elementType: 'address',
      elementMode: 'shipping',
      empty: false,
      complete: true,
      isNewAddress: true,
      value: {
        name: 'Ada Lovelace',
        phone: '',
        address: {
          line1: '354 Oyster Point Blvd',
          line2: null,
          city: 'South San Francisco',
          state: 'CA',
          postal_code: '94080',
          country: 'US',
        },
      },
    });
  });

  it('follows the country: no state field in Germany, a postal code instead of a ZIP code', async () => {
    const { onChange, user } = mountAddress();

    await user.selectOptions(screen.getByLabelText('Country or region'), 'DE');

    expect(screen.queryByRole('textbox', { name: 'State' })).not.toBeInTheDocument();
    expect(screen.getByRole('textbox', { name: 'Postal code' })).toBeInTheDocument();
    await user.type(screen.getByLabelText('Full name'), 'Ada Lovelace');
    await user.type(screen.getByLabelText('Address line 1'), 'Unter den Linden 1');
    await user.type(screen.getByLabelText('City'), 'Berlin');
    await user.type(screen.getByLabelText('Postal code'), '10117');
    expect(onChange).toHaveBeenLastCalledWith(
      expect.objectContaining({
        complete: true,
        value: expect.objectContaining({
          address: expect.objectContaining({ country: 'DE', state: '', postal_code: '10117' }) as unknown,
        }) as unknown,
      }),
    );
  });

  it('says a required field left empty is incomplete', async () => {
    const { user } = mountAddress();
    const city = screen.getByLabelText('City');

    await user.type(city, 'X');
    await user.clear(city);
    await user.tab();

    expect(city).toHaveAttribute('aria-invalid', 'true');
    expect(city).toHaveAccessibleDescription('This field is incomplete.');
  });

  it('answers getValue() as Stripe’s does, and starts with its default values', async () => {
    const { address } = mountAddress({
      ...SHIPPING,
      defaultValues: {
        name: 'Ada Lovelace',
        phone: '+1 555 0100',
        address: { line1: '1 Main St', city: 'Toronto', state: 'ON', postal_code: 'M5V 2T6', country: 'CA' },
      },
    });

    expect(screen.getByLabelText('Province')).toHaveValue('ON');
    await expect(address.getValue()).resolves.toEqual({
      complete: true,
      isNewAddress: true,
      value: {
        name: 'Ada Lovelace',
        phone: '+1 555 0100',
        address: { line1: '1 Main St', line2: null, city: 'Toronto', state: 'ON', postal_code: 'M5V 2T6', country: 'CA' },
      },
    });
  });

  it('leaves the page when destroyed, and is one per Elements group as Stripe’s is', () => {
    const { elements, address, container } = mountAddress();

    expect(() => elements.create('address', SHIPPING)).toThrow('Can only create one Element of type address.');
    address.destroy();

    expect(container).toBeEmptyDOMElement();
    expect(elements.getElement('address')).toBeNull();
    expect(() => elements.create('address', SHIPPING)).not.toThrow();
  });
});

describe('demo Link Authentication and Address Elements read-only', () => {
  it('makes the email read-only with update({readOnly}), and editable again', async () => {
    const { element, user } = mount((elements) => elements.create('linkAuthentication'));
    const email = screen.getByLabelText('Email');
    await user.type(email, 'ada@example.com');

    (element as unknown as { update: (options: object) => void }).update({ readOnly: true });
    await user.type(email, 'x');

    expect(email).toHaveAttribute('readonly');
    expect(email).toHaveValue('ada@example.com');
    (element as unknown as { update: (options: object) => void }).update({ readOnly: false });
    expect(email).not.toHaveAttribute('readonly');
  });

  it('makes the address read-only: text fields keep their values, the country cannot change', async () => {
    const { address, onChange, user } = mountAddress();
    await user.type(screen.getByLabelText('Full name'), 'Ada Lovelace');
    onChange.mockClear();

    address.update({ readOnly: true } as Partial<StripeAddressElementOptions>);
    await user.type(screen.getByLabelText('City'), 'Paris');

    expect(screen.getByLabelText('City')).toHaveValue('');
    expect(onChange).not.toHaveBeenCalled();
    for (const label of ['Full name', 'Address line 1', 'City', 'State', 'ZIP code', 'Phone number (optional)']) {
      expect(screen.getByLabelText(label), label).toHaveAttribute('readonly');
    }
    expect(screen.getByLabelText('Country or region')).toBeDisabled();
    expect(screen.getByLabelText('Full name')).toHaveValue('Ada Lovelace');

    address.update({ readOnly: false } as Partial<StripeAddressElementOptions>);
    expect(screen.getByLabelText('Country or region')).toBeEnabled();
    expect(screen.getByLabelText('City')).not.toHaveAttribute('readonly');
  });
});
