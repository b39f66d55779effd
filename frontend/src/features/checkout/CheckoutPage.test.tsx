import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { StrictMode } from 'react';
import { Route } from 'wouter';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ConfigContext } from '../../config/ConfigContext';
import type { Config } from '../../lib/api';
import { elapse, settle } from '../../testing/clock';
import { serveCheckout } from '../../testing/checkoutServer';
import { apiError, type Reply } from '../../testing/fetchMock';
import { createFakeStripe, SHOPPER } from '../../testing/fakeStripe';
import { CART_ID, demoConfig, quoteFor, storeCart, storedCart, stripeConfig } from '../../testing/fixtures';
import { payable } from '../../testing/payable';
import { renderApp, renderPage } from '../../app/testing';
import { LocationProbe, MemoryRouter } from '../../testing/render';
import { CartProvider } from '../cart/CartProvider';
import { CatalogueProvider } from '../catalog/CatalogueProvider';
import { appearance } from './appearance';
import { DEMO_FORM_UNAVAILABLE_MESSAGE, STRIPE_UNAVAILABLE_MESSAGE } from './CheckoutElements';
import CheckoutPage from './CheckoutPage';
import { saveDraft } from './checkoutDraft';
import { MAX_AUTOMATIC_RETRY_SECONDS } from './retryDelay';
import { getStripe } from './stripeLoader';
import {
  alertWith,
  EXPRESS_TOTAL,
  fillIn,
  giveDetails,
  READY_TOTAL,
  summary,
  summaryRow,
  type FakeStripe,
} from './testing';
import { DETAILS_DEBOUNCE_MS } from './useQuote';

vi.mock('./stripeLoader', () => ({ getStripe: vi.fn() }));

function renderCheckout(config: Config = demoConfig, route = '/checkout') {
  return renderPage(<CheckoutPage />, { route, path: '/checkout', config });
}

const postalCodeRefused = apiError(400, 'invalid_address', 'Please check the shipping address.', [
  { field: 'shipping.address.postalCode', message: 'Not a postal code of United States (for example 94107).' },
]);

let fake: FakeStripe;

beforeEach(() => {
  fake = createFakeStripe();
  vi.mocked(getStripe).mockReset();
  vi.mocked(getStripe).mockResolvedValue(fake.stripe);
  storeCart([{ id: 'the-dream-machine', quantity: 2 }]);
});

describe('checkout summary', () => {
  it('shows the lines and subtotal only until there is an address, with Pay disabled and why', async () => {
    const network = serveCheckout();
    renderCheckout();

    const pay = await screen.findByRole('button', { name: 'Pay' });
    expect(within(summary()).getByText('The Dream Machine')).toBeInTheDocument();
    expect(summaryRow('Subtotal')).toHaveTextContent('$60.00');
    expect(within(summary()).queryByText(/^Shipping( \(|$)/)).not.toBeInTheDocument();
    expect(within(summary()).queryByText('Tax')).not.toBeInTheDocument();
    expect(within(summary()).queryByText('Total')).not.toBeInTheDocument();
    expect(summary()).toHaveTextContent('Shipping and tax are added once we have your address.');
    expect(payable(pay)).toBe(false);
    expect(pay).toHaveAccessibleDescription('Enter your email and your shipping address to pay.');
    expect(screen.getByRole('region', { name: 'Delivery method' })).toHaveTextContent(
      'Enter your shipping address to see the delivery options and their prices.',
    );
    expect(network.quotes()).toEqual([{ items: [{ id: 'the-dream-machine', quantity: 2 }], cartId: CART_ID }]);
  });

  it('sends the email and address with the cart (never a price), then shows shipping, tax and total', async () => {
    const network = serveCheckout();
    renderCheckout();

    const pay = await fillIn(fake);

    expect(pay).toHaveTextContent(`Pay ${READY_TOTAL}`);
    expect(pay).not.toHaveAccessibleDescription();
    expect(summaryRow('Subtotal')).toHaveTextContent('$60.00');
    expect(summaryRow('Shipping (Standard)')).toHaveTextContent('$5.99');
    expect(summaryRow('Tax')).toHaveTextContent('$6.60');
    expect(summaryRow('Total')).toHaveTextContent(READY_TOTAL);
    expect(network.quotes().at(-1)).toEqual({
      items: [{ id: 'the-dream-machine', quantity: 2 }],
      cartId: CART_ID,
      email: 'ada@example.com',
      shipping: {
        name: 'Ada Lovelace',
        phone: null,
        address: {
          line1: '354 Oyster Point Blvd',
          line2: null,
          city: 'South San Francisco',
          state: 'CA',
          postalCode: '94080',
          country: 'US',
        },
      },
    });
  });

  it('offers the delivery methods the server priced, and re-prices and announces the total when one is chosen', async () => {
    const network = serveCheckout();
    const user = userEvent.setup();
    renderCheckout();
    await fillIn(fake);

    const announcement = screen.getByTestId('total-announcement');
    expect(announcement).toHaveAttribute('aria-live', 'polite');
    expect(announcement).toHaveTextContent(`Order total ${READY_TOTAL}, including shipping $5.99 and tax $6.60.`);
    const delivery = screen.getByRole('group', { name: 'Delivery method' });
    expect(within(delivery).getByRole('radio', { name: 'Standard 3–5 business days $5.99' })).toBeChecked();
    const express = within(delivery).getByRole('radio', { name: 'Express 1–2 business days $14.99' });

    await user.click(express);

    const pay = await screen.findByRole('button', { name: `Pay ${EXPRESS_TOTAL}` });
    await waitFor(() => expect(payable(pay)).toBe(true));
    expect(express).toBeChecked();
    expect(summaryRow('Shipping (Express)')).toHaveTextContent('$14.99');
    expect(summaryRow('Total')).toHaveTextContent(EXPRESS_TOTAL);
    expect(announcement).toHaveTextContent(`Order total ${EXPRESS_TOTAL}, including shipping $14.99 and tax $7.50.`);
    expect(network.quotes().at(-1)).toMatchObject({ deliveryMethod: 'express', email: 'ada@example.com' });
  });

  it('asks for quotes only: nothing is ordered, held or charged before Pay', async () => {
    const network = serveCheckout();
    const user = userEvent.setup();
    renderCheckout();
    await fillIn(fake);
    await user.click(screen.getByRole('radio', { name: /^Express/ }));
    await waitFor(() => expect(payable(screen.getByRole('button', { name: `Pay ${EXPRESS_TOTAL}` }))).toBe(true));

    expect(network.quotes().length).toBeGreaterThanOrEqual(3);
    expect(network.pays()).toEqual([]);
    expect(fake.createConfirmationToken).not.toHaveBeenCalled();
  });

  it('hides the amount on Pay when the address turns incomplete, rather than offer the bare subtotal', async () => {
    serveCheckout();
    renderCheckout();
    await fillIn(fake);

    act(() => fake.typeAddress({ ...SHOPPER.address, city: '' }, false));

    const pay = await screen.findByRole('button', { name: 'Pay' });
    expect(payable(pay)).toBe(false);
    expect(pay).toHaveAccessibleDescription('Enter your shipping address to pay.');
    expect(screen.queryByRole('button', { name: 'Pay $60.00' })).not.toBeInTheDocument();
  });
});

describe('checkout payment Elements (deferred: no PaymentIntent before Pay)', () => {
  it('mounts the payment group once from the quote’s total and currency, and updates its amount with each quote', async () => {
    serveCheckout();
    renderCheckout();
    await screen.findByRole('button', { name: 'Pay' });

    const deferred = fake.createElements.mock.calls.filter(([options]) => options?.mode);
    expect(deferred).toEqual([[{ mode: 'payment', amount: 6000, currency: 'usd', appearance }]]);
    expect(fake.elements.update).not.toHaveBeenCalled();

    await fillIn(fake);

    expect(fake.elements.update).toHaveBeenLastCalledWith({ amount: 7259 });
    // Still the one group and the one Payment Element.
    expect(fake.createElements.mock.calls.filter(([options]) => options?.mode)).toHaveLength(1);
    expect(fake.paymentElementsCreated()).toBe(1);
  });

  it('keeps the address out of the payment Elements group, so the ConfirmationToken never carries shipping', async () => {
    serveCheckout();
    renderCheckout();
    await screen.findByRole('button', { name: /^Pay/ });

    expect(fake.elements.create.mock.calls.map(([type]) => type).sort()).toEqual(['linkAuthentication', 'payment']);
    expect(fake.addressElements.create).toHaveBeenCalledTimes(1);
    expect(fake.addressElements.create).toHaveBeenCalledWith('address', {
      mode: 'shipping',
      allowedCountries: ['US', 'CA', 'GB', 'DE'],
      fields: { phone: 'always' },
      validation: { phone: { required: 'never' } },
      defaultValues: undefined,
    });
    // The address group is made without an amount or a client secret.
    expect(fake.createElements.mock.calls.filter(([options]) => !options?.mode)).toEqual([[{ appearance }]]);
  });

  it('re-prices when the cart changes, keeping the details, and gives the Payment Element the new amount', async () => {
    const network = serveCheckout();
    const user = userEvent.setup();
    renderApp('/checkout');
    await fillIn(fake);

    await user.click(screen.getByRole('button', { name: 'Cart (2 items)' }));
    const drawer = screen.getByRole('dialog', { name: 'Your cart' });
    await user.click(within(drawer).getByRole('button', { name: 'Increase quantity of The Dream Machine' }));
    await user.keyboard('{Escape}');

    const newPay = await screen.findByRole('button', { name: 'Pay $105.59' });
    await waitFor(() => expect(payable(newPay)).toBe(true));
    expect(fake.elements.update).toHaveBeenLastCalledWith({ amount: 10559 });
    expect(summaryRow('Total')).toHaveTextContent('$105.59');
    expect(network.quotes().at(-1)).toMatchObject({
      items: [{ id: 'the-dream-machine', quantity: 3 }],
      email: 'ada@example.com',
      shipping: { name: 'Ada Lovelace' },
    });
  });

  it('sends one quote under StrictMode', async () => {
    const network = serveCheckout();
    render(
      <StrictMode>
        <MemoryRouter route="/checkout">
          <ConfigContext.Provider value={demoConfig}>
            <CatalogueProvider>
              <CartProvider>
                <Route path="/checkout">
                  <CheckoutPage />
                </Route>
                <LocationProbe />
              </CartProvider>
            </CatalogueProvider>
          </ConfigContext.Provider>
        </MemoryRouter>
      </StrictMode>,
    );

    await screen.findByRole('button', { name: 'Pay' });

    expect(network.quotes()).toHaveLength(1);
    expect(network.quotes()[0]?.cartId).toBe(CART_ID);
    expect(network.pays()).toEqual([]);
  });
});

describe('checkout quotes: one at a time, for the newest values', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });

  it('disables Pay as soon as the address changes, while the new quote is due and in flight, then enables it', async () => {
    let answer: (reply: Reply) => void = () => {};
    const network = serveCheckout({
      quote: (body, call) => (call === 2 ? new Promise<Reply>((resolve) => (answer = resolve)) : { body: quoteFor(body) }),
    });
    renderCheckout();
    await settle();
    giveDetails(fake);
    await elapse(DETAILS_DEBOUNCE_MS);
    const pay = screen.getByRole('button', { name: `Pay ${READY_TOTAL}` });
    expect(payable(pay)).toBe(true);
    expect(network.quotes()).toHaveLength(2);

    act(() => fake.typeAddress({ ...SHOPPER.address, postal_code: '94107' }));
    expect(payable(pay)).toBe(false);
    expect(pay).toHaveAccessibleDescription('Updating your total…');
    expect(summary()).toHaveClass('order-summary--stale');
    await elapse(DETAILS_DEBOUNCE_MS - 1);
    expect(network.quotes()).toHaveLength(2);
    await elapse(1);
    // The request is out, unanswered: still the old quote on screen, still not payable.
    expect(network.quotes()).toHaveLength(3);
    expect(payable(pay)).toBe(false);
    // Pressing it does nothing meanwhile.
    fireEvent.click(pay);
    await settle();
    expect(fake.createConfirmationToken).not.toHaveBeenCalled();

    const body = network.quotes()[2];
    expect(body?.shipping?.address.postalCode).toBe('94107');
    act(() => answer({ body: quoteFor(body!) }));
    await settle();
    expect(payable(screen.getByRole('button', { name: `Pay ${READY_TOTAL}` }))).toBe(true);
    expect(summary()).not.toHaveClass('order-summary--stale');
  });

  it('sends the form once it has rested, not on every keystroke', async () => {
    const network = serveCheckout();
    renderCheckout();
    await settle();

    for (const email of ['a@example.co', 'ad@example.co', 'ada@example.co', 'ada@example.com']) {
      act(() => fake.typeEmail(email));
      await elapse(DETAILS_DEBOUNCE_MS / 4);
    }
    expect(network.quotes()).toHaveLength(1);
    await elapse(DETAILS_DEBOUNCE_MS);

    expect(network.quotes().map((body) => body.email)).toEqual([undefined, 'ada@example.com']);
  });

  it('waits for the quote in flight, then sends only the newest values', async () => {
    let answer: (reply: Reply) => void = () => {};
    const network = serveCheckout({
      quote: (body, call) => (call === 1 ? new Promise<Reply>((resolve) => (answer = resolve)) : { body: quoteFor(body) }),
    });
    renderCheckout();
    await settle();
    giveDetails(fake);
    await elapse(DETAILS_DEBOUNCE_MS);
    expect(network.quotes()).toHaveLength(2);

    // Two more addresses while the second quote is out: neither goes until it is answered.
    act(() => fake.typeAddress({ ...SHOPPER.address, postal_code: '94107' }));
    await elapse(DETAILS_DEBOUNCE_MS);
    act(() => fake.typeAddress({ ...SHOPPER.address, postal_code: '94110' }));
    await elapse(DETAILS_DEBOUNCE_MS);
    expect(network.quotes()).toHaveLength(2);

    act(() => answer({ body: quoteFor(network.quotes()[1]!) }));
    await settle();

    expect(network.quotes().map((body) => body.shipping?.address.postalCode)).toEqual([undefined, '94080', '94110']);
    expect(payable(screen.getByRole('button', { name: `Pay ${READY_TOTAL}` }))).toBe(true);
  });

  it('does not send an email or address the Elements call incomplete', async () => {
    const network = serveCheckout();
    renderCheckout();
    await settle();

    act(() => {
      fake.typeEmail('ada@exa', false);
      fake.typeAddress({ ...SHOPPER.address, city: '' }, false);
    });
    await elapse(DETAILS_DEBOUNCE_MS);

    expect(network.quotes()).toHaveLength(1);
    expect(payable(screen.getByRole('button', { name: 'Pay' }))).toBe(false);
  });
});

describe('checkout field errors', () => {
  it("shows the server's refusal of the postal code under the address, named, and Pay waits for a fix", async () => {
    serveCheckout({ quote: (body) => (body.shipping?.address.postalCode === '9408' ? postalCodeRefused : undefined) });
    renderCheckout();
    await screen.findByRole('button', { name: /^Pay/ });

    giveDetails(fake, { ...SHOPPER.address, postal_code: '9408' });

    const shipping = screen.getByRole('region', { name: 'Shipping address' });
    const message = 'Postal code: Not a postal code of United States (for example 94107).';
    await waitFor(() => expect(within(shipping).getByRole('alert')).toHaveTextContent(message));
    expect(shipping).toHaveAccessibleDescription(message);
    const pay = screen.getByRole('button', { name: 'Pay' });
    expect(payable(pay)).toBe(false);
    expect(pay).toHaveAccessibleDescription('Check the details marked above, then pay.');
    // Nothing else on the page claims the checkout failed.
    expect(screen.queryByText("We couldn't prepare your order")).not.toBeInTheDocument();

    act(() => fake.typeAddress(SHOPPER.address));

    await waitFor(() => expect(payable(screen.getByRole('button', { name: `Pay ${READY_TOTAL}` }))).toBe(true));
    expect(within(shipping).getByRole('alert')).toBeEmptyDOMElement();
  });

  it('shows a refused email under Contact', async () => {
    serveCheckout({
      quote: (body) =>
        body.email
          ? apiError(400, 'invalid_email', 'Please check the email address.', [
              { field: 'email', message: 'Not an email address.' },
            ])
          : undefined,
    });
    renderCheckout();
    await screen.findByRole('button', { name: /^Pay/ });

    giveDetails(fake);

    const contact = screen.getByRole('region', { name: 'Contact' });
    await waitFor(() => expect(within(contact).getByRole('alert')).toHaveTextContent('Email: Not an email address.'));
    expect(within(screen.getByRole('region', { name: 'Shipping address' })).getByRole('alert')).toBeEmptyDOMElement();
  });
});

describe('checkout page', () => {
  it('starts a new cart when the server says this one is already paid', async () => {
    serveCheckout({ quote: () => apiError(409, 'cart_already_paid', 'This cart has already been paid for.') });
    renderCheckout();

    expect(await screen.findByRole('alert')).toHaveTextContent(/already been paid/);
    expect(screen.getByRole('link', { name: 'Back to the shop' })).toHaveAttribute('href', '/');
    await waitFor(() => expect(storedCart().items).toEqual([]));
    expect(storedCart().cartId).not.toBe(CART_ID);
  });

  it('explains unknown books with a link back to the shop', async () => {
    serveCheckout({
      quote: () =>
        apiError(400, 'unknown_books', 'These books are not sold here: the-dream-machine.', {
          ids: ['the-dream-machine'],
        }),
    });
    renderCheckout();

    expect(await screen.findByRole('alert')).toHaveTextContent('These books are not sold here: the-dream-machine.');
    expect(screen.getByRole('link', { name: 'Back to the shop' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /^Pay/ })).not.toBeInTheDocument();
  });

  it("shows the server's 503 message with a retry, and no pay button, when the first quote fails", async () => {
    const network = serveCheckout({
      quote: (_body, call) =>
        call === 0
          ? {
              ...apiError(503, 'payment_provider_unavailable', "We couldn't reach our payment provider. Please try again."),
              headers: { 'Retry-After': '5' },
            }
          : undefined,
    });
    const user = userEvent.setup();
    renderCheckout(stripeConfig);

    const alert = await screen.findByRole('alert');
    expect(within(alert).getByRole('heading', { name: "We couldn't prepare your order" })).toBeInTheDocument();
    expect(alert).toHaveTextContent("We couldn't reach our payment provider. Please try again.");
    expect(screen.queryByRole('button', { name: /^Pay/ })).not.toBeInTheDocument();
    expect(getStripe).not.toHaveBeenCalled();

    await user.click(within(alert).getByRole('button', { name: 'Try again' }));

    expect(await screen.findByRole('button', { name: 'Pay' })).toBeInTheDocument();
    expect(screen.queryByText("We couldn't prepare your order")).not.toBeInTheDocument();
    expect(network.quotes()).toHaveLength(2);
  });

  it('holds the pay button while a 503 leaves a changed cart unpriced, until the retry prices it', async () => {
    let failNext = false;
    const network = serveCheckout({
      quote: () => {
        if (!failNext) return undefined;
        failNext = false;
        return apiError(503, 'payment_provider_unavailable', "We couldn't reach our payment provider. Please try again.");
      },
    });
    const user = userEvent.setup();
    renderApp('/checkout');
    await fillIn(fake);

    failNext = true;
    await user.click(screen.getByRole('button', { name: 'Cart (2 items)' }));
    await user.click(screen.getByRole('button', { name: 'Increase quantity of The Dream Machine' }));
    await user.keyboard('{Escape}');

    const alert = await waitFor(() => alertWith("We couldn't prepare your order"));
    expect(alert).toHaveTextContent("We couldn't reach our payment provider. Please try again.");
    // The old total must not be payable for the new cart.
    expect(payable(screen.getByRole('button', { name: `Pay ${READY_TOTAL}` }))).toBe(false);
    const asked = network.quotes().length;

    await user.click(within(alert).getByRole('button', { name: 'Try again' }));

    const pay = await screen.findByRole('button', { name: 'Pay $105.59' });
    await waitFor(() => expect(payable(pay)).toBe(true));
    expect(network.quotes()).toHaveLength(asked + 1);
  });

  it('says so, with no pay button, when Stripe.js cannot load, and really loads it again on retry', async () => {
    serveCheckout();
    vi.mocked(getStripe).mockRejectedValueOnce(new Error('Failed to load Stripe.js'));
    const user = userEvent.setup();
    renderCheckout(stripeConfig);

    const alert = await screen.findByRole('alert');
    expect(within(alert).getByRole('heading', { name: "The payment form didn't load" })).toBeInTheDocument();
    expect(alert).toHaveTextContent(
      "We couldn't load Stripe's secure payment form. Check your connection or disable blockers for this site, then try again.",
    );
    // The order is still shown, but nothing that looks payable.
    expect(summary()).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /^Pay/ })).not.toBeInTheDocument();
    expect(screen.queryByRole('form', { name: 'Checkout' })).not.toBeInTheDocument();

    await user.click(within(alert).getByRole('button', { name: 'Try again' }));

    expect(await screen.findByRole('form', { name: 'Checkout' })).toBeInTheDocument();
    await fillIn(fake);
    expect(getStripe).toHaveBeenCalledTimes(2);
    expect(screen.queryByText("The payment form didn't load")).not.toBeInTheDocument();
  });

  it('keeps saying so while Stripe.js stays unreachable', async () => {
    serveCheckout();
    vi.mocked(getStripe).mockRejectedValue(new Error('Failed to load Stripe.js'));
    const user = userEvent.setup();
    renderCheckout(stripeConfig);

    await user.click(within(await screen.findByRole('alert')).getByRole('button', { name: 'Try again' }));

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent(STRIPE_UNAVAILABLE_MESSAGE);
    expect(getStripe).toHaveBeenCalledTimes(2);
    expect(screen.queryByRole('button', { name: /^Pay/ })).not.toBeInTheDocument();
  });

  it('does not blame Stripe or blockers when the demo payment form fails to load', async () => {
    serveCheckout();
    vi.mocked(getStripe).mockRejectedValueOnce(new Error('Failed to fetch dynamically imported module'));
    renderCheckout(demoConfig);

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent(DEMO_FORM_UNAVAILABLE_MESSAGE);
    expect(alert).not.toHaveTextContent(/Stripe|blockers/);
    expect(within(alert).getByRole('button', { name: 'Try again' })).toBeInTheDocument();
  });

  it('replaces the form with a retry when the Payment Element itself fails to load', async () => {
    serveCheckout();
    fake.failNextElementLoad({ type: 'invalid_request_error', message: 'The frame could not be loaded.' });
    const user = userEvent.setup();
    renderCheckout(stripeConfig);

    const alert = await waitFor(() => alertWith("The payment form didn't load"));
    expect(alert).toHaveTextContent(STRIPE_UNAVAILABLE_MESSAGE);
    expect(alert).not.toHaveTextContent('The frame could not be loaded.');
    expect(screen.queryByRole('button', { name: /^Pay/ })).not.toBeInTheDocument();

    await user.click(within(alert).getByRole('button', { name: 'Try again' }));

    await fillIn(fake);
    expect(fake.paymentElementsCreated()).toBe(2);
  });

  it('says the cart is empty instead of calling the server', async () => {
    const network = serveCheckout();
    storeCart([]);
    renderCheckout();

    expect(await screen.findByText('Your cart is empty')).toBeInTheDocument();
    expect(network.quotes()).toHaveLength(0);
  });

  it("comes back from the bank's refusal saying so, with the cart and the details given before", async () => {
    const network = serveCheckout();
    saveDraft(CART_ID, {
      email: SHOPPER.email,
      shipping: {
        name: 'Ada Lovelace',
        phone: null,
        address: { line1: '354 Oyster Point Blvd', line2: null, city: 'South San Francisco', state: 'CA', postalCode: '94080', country: 'US' },
      },
      deliveryMethod: 'express',
    });
    renderCheckout(demoConfig, '/checkout?payment=failed');

    const refused = await waitFor(() => alertWith('Your payment was not completed'));
    expect(refused).toHaveTextContent("Your bank didn't approve the payment, so no money was taken.");
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent(/^\/checkout$/));
    // The first request already quotes the details, and the Elements start with them.
    expect(network.quotes()[0]).toMatchObject({ email: SHOPPER.email, deliveryMethod: 'express' });
    const pay = await screen.findByRole('button', { name: `Pay ${EXPRESS_TOTAL}` });
    await waitFor(() => expect(payable(pay)).toBe(true));
    expect(fake.elements.create).toHaveBeenCalledWith('linkAuthentication', { defaultValues: { email: SHOPPER.email } });
    expect(fake.addressElements.create).toHaveBeenCalledWith(
      'address',
      expect.objectContaining({
        defaultValues: {
          name: 'Ada Lovelace',
          phone: null,
          address: expect.objectContaining({ postal_code: '94080', country: 'US' }) as unknown,
        },
      }),
    );
    expect(storedCart().items).toEqual([{ id: 'the-dream-machine', quantity: 2 }]);
  });

  it('forgets details kept for another cart', async () => {
    const network = serveCheckout();
    saveDraft('cart_somebody_else_00', { email: 'someone@example.com', shipping: null, deliveryMethod: null });
    renderCheckout();

    await screen.findByRole('button', { name: 'Pay' });
    expect(network.quotes()[0]).toEqual({ items: [{ id: 'the-dream-machine', quantity: 2 }], cartId: CART_ID });
  });
});

describe('checkout when the server asks to wait (Retry-After)', () => {
  const BUSY = "We couldn't reach our payment provider. Please try again.";
  const busy = (seconds: string): Reply => ({
    ...apiError(503, 'payment_provider_unavailable', BUSY),
    headers: { 'Retry-After': seconds },
  });
  const rateLimited = (seconds: string): Reply => ({
    ...apiError(429, 'rate_limited', 'Too many checkouts. Please wait a moment.'),
    headers: { 'Retry-After': seconds },
  });
  const serveWaiting = (reply: (call: number) => Reply | undefined) =>
    serveCheckout({ quote: (_body, call) => reply(call) });

  beforeEach(() => {
    vi.useFakeTimers();
  });

  it('counts down the seconds the server asked for, then tries again by itself', async () => {
    const network = serveWaiting((call) => (call === 0 ? busy('3') : undefined));
    renderCheckout(stripeConfig);
    await settle();

    const alert = screen.getByRole('alert');
    expect(alert).toHaveTextContent(BUSY);
    expect(within(alert).getByRole('timer')).toHaveTextContent('Trying again in 3 seconds…');
    await elapse(1000);
    expect(within(alert).getByRole('timer')).toHaveTextContent('Trying again in 2 seconds…');
    await elapse(999);
    expect(within(alert).getByRole('timer')).toHaveTextContent('Trying again in 2 seconds…');
    await elapse(1);
    expect(within(alert).getByRole('timer')).toHaveTextContent('Trying again in 1 second…');
    expect(network.quotes()).toHaveLength(1);

    await elapse(1000);

    expect(network.quotes()).toHaveLength(2);
    expect(screen.queryByText(BUSY)).not.toBeInTheDocument();
    await settle();
    expect(screen.getByRole('button', { name: 'Pay' })).toBeInTheDocument();
  });

  it('announces the message once: the countdown inside the alert is a timer, which is not live', async () => {
    serveWaiting((call) => (call === 0 ? busy('5') : undefined));
    renderCheckout(stripeConfig);
    await settle();

    const alert = screen.getByRole('alert');
    const timer = within(alert).getByRole('timer');
    // role=alert is read when it appears, countdown included; the timer's ticks are not.
    expect(timer).toHaveAttribute('aria-live', 'off');
    await elapse(1000);
    expect(screen.getByRole('alert')).toBe(alert);
    expect(within(alert).getByRole('timer')).toBe(timer);
  });

  it('tries again at once on "Try again", and does not try a second time when the countdown would have ended', async () => {
    const network = serveWaiting((call) => (call === 0 ? rateLimited('10') : undefined));
    renderCheckout(stripeConfig);
    await settle();

    const alert = screen.getByRole('alert');
    expect(within(alert).getByRole('timer')).toHaveTextContent('Trying again in 10 seconds…');
    fireEvent.click(within(alert).getByRole('button', { name: 'Try again' }));

    expect(network.quotes()).toHaveLength(2);
    await settle();
    await elapse(10_000);
    expect(network.quotes()).toHaveLength(2);
    expect(screen.queryByText('Too many checkouts. Please wait a moment.')).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Pay' })).toBeInTheDocument();
  });

  it('tries again by itself only once while the provider stays busy, then leaves it to the shopper', async () => {
    const network = serveWaiting(() => busy('2'));
    renderCheckout(stripeConfig);
    await settle();
    await elapse(2000);
    expect(network.quotes()).toHaveLength(2);
    await settle();

    const alert = screen.getByRole('alert');
    expect(alert).toHaveTextContent(BUSY);
    expect(within(alert).queryByRole('timer')).not.toBeInTheDocument();
    await elapse(60_000);
    expect(network.quotes()).toHaveLength(2);

    // The shopper's own retry earns the next failure its automatic retry again.
    fireEvent.click(within(alert).getByRole('button', { name: 'Try again' }));
    await settle();
    expect(within(screen.getByRole('alert')).getByRole('timer')).toHaveTextContent('Trying again in 2 seconds…');
    expect(network.quotes()).toHaveLength(3);
  });

  it('does not count down without a Retry-After, or for a wait too long to watch', async () => {
    const network = serveWaiting((call) =>
      call === 0
        ? apiError(503, 'payment_provider_unavailable', BUSY)
        : call === 1
          ? rateLimited(String(MAX_AUTOMATIC_RETRY_SECONDS + 1))
          : undefined,
    );
    renderCheckout(stripeConfig);
    await settle();
    expect(within(screen.getByRole('alert')).queryByRole('timer')).not.toBeInTheDocument();

    fireEvent.click(within(screen.getByRole('alert')).getByRole('button', { name: 'Try again' }));
    await settle();
    expect(screen.getByRole('alert')).toHaveTextContent('Too many checkouts. Please wait a moment.');
    expect(within(screen.getByRole('alert')).queryByRole('timer')).not.toBeInTheDocument();
    await elapse(120_000);
    expect(network.quotes()).toHaveLength(2);
  });
});
