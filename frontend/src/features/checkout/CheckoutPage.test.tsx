import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { StrictMode } from 'react';
import { Route } from 'wouter';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ConfigContext } from '../../config/ConfigContext';
import type { Config, CreatePaymentIntentBody } from '../../lib/api';
import { elapse, settle } from '../../testing/clock';
import { apiError, mockFetch, type Reply, type RecordedRequest } from '../../testing/fetchMock';
import { createFakeStripe, SHOPPER } from '../../testing/fakeStripe';
import { CART_ID, books, demoConfig, quoteFor, storeCart, storedCart, stripeConfig } from '../../testing/fixtures';
import { payable } from '../../testing/payable';
import { renderApp, renderPage } from '../../app/testing';
import { LocationProbe, MemoryRouter } from '../../testing/render';
import { CartProvider } from '../cart/CartProvider';
import { CatalogueProvider } from '../catalog/CatalogueProvider';
import { DEMO_FORM_UNAVAILABLE_MESSAGE, STRIPE_UNAVAILABLE_MESSAGE } from './CheckoutElements';
import CheckoutPage from './CheckoutPage';
import { saveDraft } from './checkoutDraft';
import { MAX_AUTOMATIC_RETRY_SECONDS } from './retryDelay';
import { getStripe } from './stripeLoader';
import { DETAILS_DEBOUNCE_MS } from './usePaymentIntent';

vi.mock('./stripeLoader', () => ({ getStripe: vi.fn() }));

type Override = (call: number, body: CreatePaymentIntentBody) => Reply | Promise<Reply> | undefined;

/** The server: quotes whatever checkout it is sent (or answers `override` for that call). */
function serveCheckout(override?: Override) {
  return mockFetch([
    { path: '/config', reply: { body: demoConfig } },
    { path: '/api/books', reply: { body: { books } } },
    {
      method: 'POST',
      path: '/create-payment-intent',
      reply: (request: RecordedRequest, call: number) => {
        const body = request.body as CreatePaymentIntentBody;
        return override?.(call, body) ?? { body: quoteFor(body) };
      },
    },
  ]);
}

const postalCodeRefused = apiError(400, 'invalid_address', 'Please check the shipping address.', [
  { field: 'shipping.address.postalCode', message: 'Not a postal code of United States (for example 94107).' },
]);

// Two copies of The Dream Machine ($60.00), Standard delivery ($5.99), 10% tax ($6.60).
const READY_TOTAL = '$72.59';
// The same with Express delivery ($14.99, tax $7.50).
const EXPRESS_TOTAL = '$82.49';

let fake: ReturnType<typeof createFakeStripe>;

beforeEach(() => {
  fake = createFakeStripe(() => Promise.resolve({ error: { type: 'card_error', message: 'unused' } }));
  vi.mocked(getStripe).mockReset();
  vi.mocked(getStripe).mockResolvedValue(fake.stripe);
  storeCart([{ id: 'the-dream-machine', quantity: 2 }]);
});

function renderCheckout(config: Config = demoConfig, route = '/checkout') {
  return renderPage(<CheckoutPage />, { route, path: '/checkout', config });
}

/** The shopper completes the email and the address (the fake Elements report them). */
function giveDetails(address = SHOPPER.address) {
  act(() => {
    fake.typeEmail(SHOPPER.email);
    fake.typeAddress(address);
  });
}

/** Waits for the form, fills it in, and waits for the pay button to offer `total`. */
async function fillIn(total = READY_TOTAL) {
  await screen.findByRole('button', { name: /^Pay/ });
  giveDetails();
  const pay = await screen.findByRole('button', { name: `Pay ${total}` });
  await waitFor(() => expect(payable(pay)).toBe(true));
  return pay;
}

/** The alert that says `text` (the page has several: each section keeps one for its errors). */
function alertWith(text: string | RegExp): HTMLElement {
  const found = screen
    .queryAllByRole('alert')
    .find((alert) => (typeof text === 'string' ? alert.textContent?.includes(text) : text.test(alert.textContent ?? '')));
  if (!found) throw new Error(`No alert says ${String(text)}`);
  return found;
}

function summary() {
  return screen.getByRole('region', { name: 'Order summary' });
}

/** The amount beside a summary row's label ("Subtotal", "Tax", ...). */
function summaryRow(label: string | RegExp) {
  return within(summary()).getByText(label).nextElementSibling;
}

const checkoutPosts = (network: ReturnType<typeof mockFetch>) =>
  network.callsTo('/create-payment-intent').map((call) => call.body as CreatePaymentIntentBody);

describe('checkout summary', () => {
  it('shows the lines and subtotal only until there is an address, with Pay disabled and why', async () => {
    const network = serveCheckout();
    renderCheckout();

    const pay = await screen.findByRole('button', { name: 'Pay $60.00' });
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
    expect(checkoutPosts(network)).toEqual([{ items: [{ id: 'the-dream-machine', quantity: 2 }], cartId: CART_ID }]);
  });

  it('sends the email and address with the cart (never a price), then shows shipping, tax and total', async () => {
    const network = serveCheckout();
    renderCheckout();

    const pay = await fillIn();

    expect(pay).toHaveTextContent(`Pay ${READY_TOTAL}`);
    expect(pay).not.toHaveAccessibleDescription();
    expect(summaryRow('Subtotal')).toHaveTextContent('$60.00');
    expect(summaryRow('Shipping (Standard)')).toHaveTextContent('$5.99');
    expect(summaryRow('Tax')).toHaveTextContent('$6.60');
    expect(summaryRow('Total')).toHaveTextContent(READY_TOTAL);
    expect(checkoutPosts(network).at(-1)).toEqual({
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
    await fillIn();

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
    expect(checkoutPosts(network).at(-1)).toMatchObject({ deliveryMethod: 'express', email: 'ada@example.com' });
  });

  it('keeps the address out of the payment Elements group, so confirmPayment never sends shipping', async () => {
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
    expect(fake.createElements).toHaveBeenCalledWith(expect.objectContaining({ clientSecret: 'pi_test_1_secret_abc' }));
    // The address group is made without a client secret.
    expect(fake.createElements.mock.calls.filter(([options]) => !options?.clientSecret)).toHaveLength(1);
  });
});

describe('checkout keeps Pay to a fresh quote', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });

  it('disables Pay as soon as the address changes, while the new quote is due and in flight, then enables it', async () => {
    let answer: (reply: Reply) => void = () => {};
    const network = serveCheckout((call, body) =>
      call === 2 ? new Promise<Reply>((resolve) => (answer = resolve)) : { body: quoteFor(body) },
    );
    renderCheckout();
    await settle();
    giveDetails();
    await elapse(DETAILS_DEBOUNCE_MS);
    const pay = screen.getByRole('button', { name: `Pay ${READY_TOTAL}` });
    expect(payable(pay)).toBe(true);
    expect(network.callsTo('/create-payment-intent')).toHaveLength(2);

    act(() => fake.typeAddress({ ...SHOPPER.address, postal_code: '94107' }));
    expect(payable(pay)).toBe(false);
    expect(pay).toHaveAccessibleDescription('Updating your total…');
    expect(summary()).toHaveClass('order-summary--stale');
    await elapse(DETAILS_DEBOUNCE_MS - 1);
    expect(network.callsTo('/create-payment-intent')).toHaveLength(2);
    await elapse(1);
    // The request is out, unanswered: still the old quote on screen, still not payable.
    expect(network.callsTo('/create-payment-intent')).toHaveLength(3);
    expect(payable(pay)).toBe(false);

    const body = checkoutPosts(network)[2];
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
    expect(network.callsTo('/create-payment-intent')).toHaveLength(1);
    await elapse(DETAILS_DEBOUNCE_MS);

    expect(checkoutPosts(network).map((body) => body.email)).toEqual([undefined, 'ada@example.com']);
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

    expect(network.callsTo('/create-payment-intent')).toHaveLength(1);
    expect(payable(screen.getByRole('button', { name: 'Pay $60.00' }))).toBe(false);
  });

  it('asks the server again before confirming, and when another tab changed the order shows the new total instead of paying', async () => {
    // From the third request on (the check before paying), the server has the order another
    // tab made: three books.
    const network = serveCheckout((call, body) =>
      call >= 2 ? { body: quoteFor({ ...body, items: [{ id: 'the-dream-machine', quantity: 3 }] }) } : undefined,
    );
    fake.confirmPayment.mockResolvedValue({
      paymentIntent: { id: 'pi_test_1', client_secret: 'pi_test_1_secret_abc', status: 'succeeded' },
    });
    renderCheckout();
    await settle();
    giveDetails();
    await elapse(DETAILS_DEBOUNCE_MS);
    expect(network.callsTo('/create-payment-intent')).toHaveLength(2);

    fireEvent.click(screen.getByRole('button', { name: `Pay ${READY_TOTAL}` }));
    await settle();

    expect(network.callsTo('/create-payment-intent')).toHaveLength(3);
    expect(fake.confirmPayment).not.toHaveBeenCalled();
    // Three books ($90.00), Standard $5.99, tax $9.60.
    const notice = alertWith('Your order changed');
    expect(notice).toHaveTextContent(
      'Your order changed (perhaps in another tab), so the total is now $105.59. Check the order summary, then press Pay again.',
    );
    expect(notice).toHaveFocus();
    expect(summaryRow('Total')).toHaveTextContent('$105.59');
    const pay = screen.getByRole('button', { name: 'Pay $105.59' });
    expect(payable(pay)).toBe(true);

    fireEvent.click(pay);
    await settle();

    expect(network.callsTo('/create-payment-intent')).toHaveLength(4);
    expect(fake.confirmPayment).toHaveBeenCalledTimes(1);
    expect(screen.getByTestId('location')).toHaveTextContent('/success?payment_intent=pi_test_1');
  });
});

describe('checkout field errors', () => {
  it("shows the server's refusal of the postal code under the address, named, and Pay waits for a fix", async () => {
    serveCheckout((_call, body) => (body.shipping?.address.postalCode === '9408' ? postalCodeRefused : undefined));
    renderCheckout();
    await screen.findByRole('button', { name: /^Pay/ });

    giveDetails({ ...SHOPPER.address, postal_code: '9408' });

    const shipping = screen.getByRole('region', { name: 'Shipping address' });
    const message = 'Postal code: Not a postal code of United States (for example 94107).';
    await waitFor(() => expect(within(shipping).getByRole('alert')).toHaveTextContent(message));
    expect(shipping).toHaveAccessibleDescription(message);
    const pay = screen.getByRole('button', { name: 'Pay $60.00' });
    expect(payable(pay)).toBe(false);
    expect(pay).toHaveAccessibleDescription('Check the details marked above, then pay.');
    // Nothing else on the page claims the checkout failed.
    expect(screen.queryByText("We couldn't prepare your order")).not.toBeInTheDocument();

    act(() => fake.typeAddress(SHOPPER.address));

    await waitFor(() => expect(payable(screen.getByRole('button', { name: `Pay ${READY_TOTAL}` }))).toBe(true));
    expect(within(shipping).getByRole('alert')).toBeEmptyDOMElement();
  });

  it('shows a refused email under Contact', async () => {
    serveCheckout((_call, body) =>
      body.email
        ? apiError(400, 'invalid_email', 'Please check the email address.', [
            { field: 'email', message: 'Not an email address.' },
          ])
        : undefined,
    );
    renderCheckout();
    await screen.findByRole('button', { name: /^Pay/ });

    giveDetails();

    const contact = screen.getByRole('region', { name: 'Contact' });
    await waitFor(() => expect(within(contact).getByRole('alert')).toHaveTextContent('Email: Not an email address.'));
    expect(within(screen.getByRole('region', { name: 'Shipping address' })).getByRole('alert')).toBeEmptyDOMElement();
  });

  it('moves focus to the refusal when the last check before paying finds a field wrong', async () => {
    let refuse = false;
    serveCheckout(() => (refuse ? postalCodeRefused : undefined));
    const user = userEvent.setup();
    renderCheckout();
    const pay = await fillIn();

    refuse = true;
    await user.click(pay);

    const shipping = screen.getByRole('region', { name: 'Shipping address' });
    await waitFor(() => expect(within(shipping).getByRole('alert')).toHaveFocus());
    expect(within(shipping).getByRole('alert')).toHaveTextContent('Postal code: Not a postal code');
    expect(fake.confirmPayment).not.toHaveBeenCalled();
    expect(payable(screen.getByRole('button', { name: /^Pay/ }))).toBe(false);
  });
});

describe('checkout page', () => {
  it('shows the error from confirmPayment inline, focused, and lets the shopper try again', async () => {
    serveCheckout();
    fake.confirmPayment.mockResolvedValue({
      error: { type: 'card_error', code: 'card_declined', message: 'Your card was declined.' },
    });
    const user = userEvent.setup();
    renderCheckout();

    await user.click(await fillIn());

    const alert = await screen.findByText('Your card was declined.');
    expect(alert).toHaveAttribute('role', 'alert');
    expect(alert).toHaveFocus();
    await waitFor(() => expect(payable(screen.getByRole('button', { name: `Pay ${READY_TOTAL}` }))).toBe(true));
    expect(screen.getByTestId('location')).toHaveTextContent('/checkout');
  });

  it('validates with elements.submit, checks the quote, then confirms with a return_url and goes to the success page', async () => {
    const network = serveCheckout();
    let finish: (value: unknown) => void = () => {};
    fake.confirmPayment.mockImplementation(() => new Promise((resolve) => (finish = resolve)));
    const user = userEvent.setup();
    renderCheckout();
    const pay = await fillIn();
    const postsBefore = network.callsTo('/create-payment-intent').length;

    await user.click(pay);

    await waitFor(() => expect(fake.confirmPayment).toHaveBeenCalled());
    expect(fake.elements.submit).toHaveBeenCalledTimes(1);
    expect(network.callsTo('/create-payment-intent')).toHaveLength(postsBefore + 1);
    expect(payable(screen.getByRole('button', { name: 'Processing…' }))).toBe(false);
    expect(fake.confirmPayment).toHaveBeenCalledWith({
      elements: fake.elements,
      confirmParams: { return_url: `${window.location.origin}/success` },
      redirect: 'if_required',
    });
    await act(async () => {
      finish({ paymentIntent: { id: 'pi_test_1', client_secret: 'pi_test_1_secret_abc', status: 'processing' } });
      await Promise.resolve();
    });

    await waitFor(() =>
      expect(screen.getByTestId('location')).toHaveTextContent(
        '/success?payment_intent=pi_test_1&payment_intent_client_secret=pi_test_1_secret_abc',
      ),
    );
  });

  it('leaves payment details the Payment Element finds incomplete to the element, and asks the server nothing', async () => {
    const network = serveCheckout();
    fake.elements.submit.mockResolvedValueOnce({
      error: { type: 'validation_error', message: 'Your card number is incomplete.' },
    });
    const user = userEvent.setup();
    renderCheckout();
    const pay = await fillIn();
    const posts = network.callsTo('/create-payment-intent').length;

    await user.click(pay);

    await waitFor(() => expect(payable(screen.getByRole('button', { name: `Pay ${READY_TOTAL}` }))).toBe(true));
    expect(fake.elements.submit).toHaveBeenCalledTimes(1);
    expect(network.callsTo('/create-payment-intent')).toHaveLength(posts);
    expect(fake.confirmPayment).not.toHaveBeenCalled();
    expect(screen.queryByText('Your card number is incomplete.')).not.toBeInTheDocument();
  });

  it('creates one PaymentIntent under StrictMode', async () => {
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

    await screen.findByRole('button', { name: 'Pay $60.00' });

    const posts = checkoutPosts(network);
    expect(posts).toHaveLength(1);
    expect(posts[0]?.cartId).toBe(CART_ID);
  });

  it('re-prices when the cart changes, keeping the details, and refreshes the Payment Element before paying', async () => {
    const network = serveCheckout();
    const user = userEvent.setup();
    renderApp('/checkout');
    await fillIn();
    const updatesBefore = fake.elements.fetchUpdates.mock.calls.length;

    await user.click(screen.getByRole('button', { name: 'Cart (2 items)' }));
    const drawer = screen.getByRole('dialog', { name: 'Your cart' });
    await user.click(within(drawer).getByRole('button', { name: 'Increase quantity of The Dream Machine' }));
    await user.keyboard('{Escape}');

    const newPay = await screen.findByRole('button', { name: 'Pay $105.59' });
    await waitFor(() => expect(payable(newPay)).toBe(true));
    expect(fake.elements.fetchUpdates.mock.calls.length).toBeGreaterThan(updatesBefore);
    expect(summaryRow('Total')).toHaveTextContent('$105.59');
    expect(checkoutPosts(network).at(-1)).toMatchObject({
      items: [{ id: 'the-dream-machine', quantity: 3 }],
      email: 'ada@example.com',
      shipping: { name: 'Ada Lovelace' },
    });
  });

  it('starts a new cart when the server says this one is already paid', async () => {
    serveCheckout(() => apiError(409, 'cart_already_paid', 'This cart has already been paid for.'));
    renderCheckout();

    expect(await screen.findByRole('alert')).toHaveTextContent(/already been paid/);
    expect(screen.getByRole('link', { name: 'Back to the shop' })).toHaveAttribute('href', '/');
    await waitFor(() => expect(storedCart().items).toEqual([]));
    expect(storedCart().cartId).not.toBe(CART_ID);
  });

  it('explains unknown books with a link back to the shop', async () => {
    serveCheckout(() =>
      apiError(400, 'unknown_books', 'These books are not sold here: the-dream-machine.', {
        ids: ['the-dream-machine'],
      }),
    );
    renderCheckout();

    expect(await screen.findByRole('alert')).toHaveTextContent('These books are not sold here: the-dream-machine.');
    expect(screen.getByRole('link', { name: 'Back to the shop' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /^Pay/ })).not.toBeInTheDocument();
  });

  it("shows the server's 503 payment_provider_unavailable message with a retry, and no pay button", async () => {
    const network = serveCheckout((call) =>
      call === 0
        ? {
            ...apiError(503, 'payment_provider_unavailable', "We couldn't reach our payment provider. Please try again."),
            headers: { 'Retry-After': '5' },
          }
        : undefined,
    );
    const user = userEvent.setup();
    renderCheckout(stripeConfig);

    const alert = await screen.findByRole('alert');
    expect(within(alert).getByRole('heading', { name: "We couldn't prepare your order" })).toBeInTheDocument();
    expect(alert).toHaveTextContent("We couldn't reach our payment provider. Please try again.");
    expect(screen.queryByRole('button', { name: /^Pay/ })).not.toBeInTheDocument();
    expect(getStripe).not.toHaveBeenCalled();

    await user.click(within(alert).getByRole('button', { name: 'Try again' }));

    expect(await screen.findByRole('button', { name: 'Pay $60.00' })).toBeInTheDocument();
    expect(screen.queryByText("We couldn't prepare your order")).not.toBeInTheDocument();
    expect(network.callsTo('/create-payment-intent')).toHaveLength(2);
  });

  it('holds the pay button while a 503 leaves a changed cart unpriced, until the retry prices it', async () => {
    let failNext = false;
    const network = serveCheckout(() => {
      if (!failNext) return undefined;
      failNext = false;
      return apiError(503, 'payment_provider_unavailable', "We couldn't reach our payment provider. Please try again.");
    });
    const user = userEvent.setup();
    renderApp('/checkout');
    await fillIn();

    failNext = true;
    await user.click(screen.getByRole('button', { name: 'Cart (2 items)' }));
    await user.click(screen.getByRole('button', { name: 'Increase quantity of The Dream Machine' }));
    await user.keyboard('{Escape}');

    const alert = await waitFor(() => alertWith("We couldn't prepare your order"));
    expect(alert).toHaveTextContent("We couldn't reach our payment provider. Please try again.");
    // The old total must not be payable for the new cart.
    expect(payable(screen.getByRole('button', { name: `Pay ${READY_TOTAL}` }))).toBe(false);
    const posts = network.callsTo('/create-payment-intent').length;

    await user.click(within(alert).getByRole('button', { name: 'Try again' }));

    const pay = await screen.findByRole('button', { name: 'Pay $105.59' });
    await waitFor(() => expect(payable(pay)).toBe(true));
    expect(network.callsTo('/create-payment-intent')).toHaveLength(posts + 1);
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
    await fillIn();
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

    await fillIn();
    expect(fake.paymentElementsCreated()).toBe(2);
  });

  it('says the cart is empty instead of calling the server', async () => {
    const network = serveCheckout();
    storeCart([]);
    renderCheckout();

    expect(await screen.findByText('Your cart is empty')).toBeInTheDocument();
    expect(network.callsTo('/create-payment-intent')).toHaveLength(0);
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
    expect(checkoutPosts(network)[0]).toMatchObject({ email: SHOPPER.email, deliveryMethod: 'express' });
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

    await screen.findByRole('button', { name: 'Pay $60.00' });
    expect(checkoutPosts(network)[0]).toEqual({ items: [{ id: 'the-dream-machine', quantity: 2 }], cartId: CART_ID });
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
  const serveWaiting = (reply: (call: number) => Reply | undefined) => serveCheckout((call) => reply(call));

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
    expect(network.callsTo('/create-payment-intent')).toHaveLength(1);

    await elapse(1000);

    expect(network.callsTo('/create-payment-intent')).toHaveLength(2);
    expect(screen.queryByText(BUSY)).not.toBeInTheDocument();
    await settle();
    expect(screen.getByRole('button', { name: 'Pay $60.00' })).toBeInTheDocument();
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

    expect(network.callsTo('/create-payment-intent')).toHaveLength(2);
    await settle();
    await elapse(10_000);
    expect(network.callsTo('/create-payment-intent')).toHaveLength(2);
    expect(screen.queryByText('Too many checkouts. Please wait a moment.')).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Pay $60.00' })).toBeInTheDocument();
  });

  it('tries again by itself only once while the provider stays busy, then leaves it to the shopper', async () => {
    const network = serveWaiting(() => busy('2'));
    renderCheckout(stripeConfig);
    await settle();
    await elapse(2000);
    expect(network.callsTo('/create-payment-intent')).toHaveLength(2);
    await settle();

    const alert = screen.getByRole('alert');
    expect(alert).toHaveTextContent(BUSY);
    expect(within(alert).queryByRole('timer')).not.toBeInTheDocument();
    await elapse(60_000);
    expect(network.callsTo('/create-payment-intent')).toHaveLength(2);

    // The shopper's own retry earns the next failure its automatic retry again.
    fireEvent.click(within(alert).getByRole('button', { name: 'Try again' }));
    await settle();
    expect(within(screen.getByRole('alert')).getByRole('timer')).toHaveTextContent('Trying again in 2 seconds…');
    expect(network.callsTo('/create-payment-intent')).toHaveLength(3);
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
    expect(network.callsTo('/create-payment-intent')).toHaveLength(2);
  });
});
