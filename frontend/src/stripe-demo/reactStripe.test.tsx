/**
 * The stand-in as the checkout uses it: driven by the real <Elements>, <PaymentElement>,
 * <AddressElement> and <LinkAuthenticationElement> of @stripe/react-stripe-js, which pass
 * changed options on to elements.update() and element.update().
 */
import { AddressElement, Elements, LinkAuthenticationElement, PaymentElement } from '@stripe/react-stripe-js';
import type { StripeAddressElementOptions, StripeElementsOptions } from '@stripe/stripe-js';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { createDemoStripe } from './demoStripe';
import { DemoElements } from './elementsGroup';

const stripe = createDemoStripe();

function Checkout({ amount, readOnly }: { amount: number; readOnly: boolean }) {
  const options: StripeElementsOptions = { mode: 'payment', amount, currency: 'usd', appearance: { theme: 'stripe' } };
  // readOnly is an option of Stripe's Payment Element; the stand-in's other Elements take it too.
  const address = { mode: 'shipping', allowedCountries: ['US'], readOnly } as StripeAddressElementOptions;
  return (
    <Elements stripe={stripe} options={options}>
      <LinkAuthenticationElement options={{ readOnly } as object} />
      <AddressElement options={address} />
      <PaymentElement options={{ readOnly }} />
    </Elements>
  );
}

describe('the stand-in under @stripe/react-stripe-js', () => {
  it('gets the new amount through elements.update when the Elements options change, and nothing else', async () => {
    const update = vi.spyOn(DemoElements.prototype, 'update');
    const { rerender } = render(<Checkout amount={6000} readOnly={false} />);
    await userEvent.setup().click(await screen.findByRole('radio', { name: 'Bank redirect (demo bank)' }));
    expect(screen.getByText(/the payment of \$60\.00/)).toBeInTheDocument();
    expect(update).not.toHaveBeenCalled();

    rerender(<Checkout amount={7450} readOnly={false} />);

    await waitFor(() => expect(screen.getByText(/the payment of \$74\.50/)).toBeInTheDocument());
    expect(update).toHaveBeenCalledTimes(1);
    expect(update).toHaveBeenCalledWith({ amount: 7450 });
  });

  it('makes every Element read-only while the page says so, and editable again after', async () => {
    const { rerender } = render(<Checkout amount={6000} readOnly={false} />);
    const card = await screen.findByLabelText('Card number');
    const fields = [screen.getByLabelText('Email'), screen.getByLabelText('Full name'), card];

    rerender(<Checkout amount={6000} readOnly />);

    await waitFor(() => {
      for (const field of fields) expect(field).toHaveAttribute('readonly');
    });
    expect(screen.getByLabelText('Country or region')).toBeDisabled();
    expect(screen.getByRole('radio', { name: 'Card' })).toBeDisabled();

    rerender(<Checkout amount={6000} readOnly={false} />);

    await waitFor(() => {
      for (const field of fields) expect(field).not.toHaveAttribute('readonly');
    });
    expect(screen.getByRole('radio', { name: 'Card' })).toBeEnabled();
  });
});
