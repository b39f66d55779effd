import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { StrictMode } from 'react';
import { Route } from 'wouter';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ConfigContext } from '../../config/ConfigContext';
import type { Config } from '../../lib/api';
import { elapse, settle } from '../../testing/clock';
import { apiError, mockFetch, type Reply, type RecordedRequest } from '../../testing/fetchMock';
import { createFakeStripe } from '../../testing/fakeStripe';
import {
  CART_ID,
  books,
  demoConfig,
  intentFor,
  stripeConfig,
  storeCart,
  storedCart,
} from '../../testing/fixtures';
import { renderApp, renderPage } from '../../app/testing';
import { LocationProbe, MemoryRouter } from '../../testing/render';
import { CartProvider } from '../cart/CartProvider';
import { CatalogueProvider } from '../catalog/CatalogueProvider';
import CheckoutPage from './CheckoutPage';
import { DEMO_FORM_UNAVAILABLE_MESSAGE, STRIPE_UNAVAILABLE_MESSAGE } from './CheckoutElements';
import { MAX_AUTOMATIC_RETRY_SECONDS } from './retryDelay';
import { getStripe } from './stripeLoader';

vi.mock('./stripeLoader', () => ({ getStripe: vi.fn() }));

type CartBody = { items: { id: string; quantity: number }[]; cartId: string };

/** The server: prices whatever cart it is sent (or answers `override` for that call). */
function serveCheckout(override?: (call: number) => Reply | undefined) {
  return mockFetch([
    { path: '/config', reply: { body: demoConfig } },
    { path: '/api/books', reply: { body: { books } } },
    {
      method: 'POST',
      path: '/create-payment-intent',
      reply: (request: RecordedRequest, call: number) =>
        override?.(call) ?? { body: intentFor((request.body as CartBody).items) },
    },
  ]);
}

let fake: ReturnType<typeof createFakeStripe>;

beforeEach(() => {
  fake = createFakeStripe(() => Promise.resolve({ error: { type: 'card_error', message: 'unused' } }));
  vi.mocked(getStripe).mockReset();
  vi.mocked(getStripe).mockResolvedValue(fake.stripe);
  storeCart([{ id: 'the-dream-machine', quantity: 2 }]);
});

function renderCheckout(config: Config = demoConfig) {
  return renderPage(<CheckoutPage />, { route: '/checkout', path: '/checkout', config });
}

describe('checkout page', () => {
  it("shows the server's order summary and total, and a pay button with that total", async () => {
    const network = serveCheckout();
    renderCheckout();

    const summary = await screen.findByRole('region', { name: 'Order summary' });
    expect(within(summary).getByText('The Dream Machine')).toBeInTheDocument();
    expect(within(summary).getByText('Total').nextElementSibling).toHaveTextContent('$60.00');
    const pay = await screen.findByRole('button', { name: 'Pay $60.00' });
    await waitFor(() => expect(pay).toBeEnabled());

    expect(network.callsTo('/create-payment-intent')[0]?.body).toEqual({
      items: [{ id: 'the-dream-machine', quantity: 2 }],
      cartId: CART_ID,
    });
    expect(fake.createElements).toHaveBeenCalledWith(
      expect.objectContaining({ clientSecret: 'pi_test_1_secret_abc' }),
    );
  });

  it('shows the error from confirmPayment inline and lets the shopper try again', async () => {
    serveCheckout();
    fake.confirmPayment.mockResolvedValue({
      error: { type: 'card_error', code: 'card_declined', message: 'Your card was declined.' },
    });
    const user = userEvent.setup();
    renderCheckout();

    const pay = await screen.findByRole('button', { name: 'Pay $60.00' });
    await waitFor(() => expect(pay).toBeEnabled());
    await user.click(pay);

    expect(await screen.findByRole('alert')).toHaveTextContent('Your card was declined.');
    expect(screen.getByRole('button', { name: 'Pay $60.00' })).toBeEnabled();
    expect(screen.getByTestId('location')).toHaveTextContent('/checkout');
  });

  it('confirms with the Elements and a return_url, then goes to the success page', async () => {
    serveCheckout();
    let finish: (value: unknown) => void = () => {};
    fake.confirmPayment.mockImplementation(() => new Promise((resolve) => (finish = resolve)));
    const user = userEvent.setup();
    renderCheckout();

    const pay = await screen.findByRole('button', { name: 'Pay $60.00' });
    await waitFor(() => expect(pay).toBeEnabled());
    await user.click(pay);

    expect(screen.getByRole('button', { name: 'Processing…' })).toBeDisabled();
    expect(fake.confirmPayment).toHaveBeenCalledWith({
      elements: fake.elements,
      confirmParams: { return_url: `${window.location.origin}/success` },
      redirect: 'if_required',
    });
    await act(async () => {
      finish({ paymentIntent: { id: 'pi_test_1', client_secret: 'pi_test_1_secret_abc', status: 'succeeded' } });
      await Promise.resolve();
    });

    await waitFor(() =>
      expect(screen.getByTestId('location')).toHaveTextContent(
        '/success?payment_intent=pi_test_1&payment_intent_client_secret=pi_test_1_secret_abc',
      ),
    );
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

    const posts = network.callsTo('/create-payment-intent');
    expect(posts).toHaveLength(1);
    expect(new Set(posts.map((call) => (call.body as CartBody).cartId))).toEqual(new Set([CART_ID]));
  });

  it('re-prices when the cart changes and refreshes the Payment Element before paying', async () => {
    const network = serveCheckout();
    const user = userEvent.setup();
    renderApp('/checkout');

    const pay = await screen.findByRole('button', { name: 'Pay $60.00' });
    await waitFor(() => expect(pay).toBeEnabled());

    await user.click(screen.getByRole('button', { name: 'Cart (2 items)' }));
    const drawer = screen.getByRole('dialog', { name: 'Your cart' });
    await user.click(within(drawer).getByRole('button', { name: 'Increase quantity of The Dream Machine' }));
    await user.keyboard('{Escape}');

    const newPay = await screen.findByRole('button', { name: 'Pay $90.00' });
    await waitFor(() => expect(newPay).toBeEnabled());
    expect(fake.elements.fetchUpdates).toHaveBeenCalledTimes(1);
    const summary = screen.getByRole('region', { name: 'Order summary' });
    expect(within(summary).getByText('Total').nextElementSibling).toHaveTextContent('$90.00');

    const posts = network.callsTo('/create-payment-intent');
    expect(posts.map((call) => call.body)).toEqual([
      { items: [{ id: 'the-dream-machine', quantity: 2 }], cartId: CART_ID },
      { items: [{ id: 'the-dream-machine', quantity: 3 }], cartId: CART_ID },
    ]);
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

    const pay = await screen.findByRole('button', { name: 'Pay $60.00' });
    await waitFor(() => expect(pay).toBeEnabled());
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(network.callsTo('/create-payment-intent')).toHaveLength(2);
  });

  it('holds the pay button while a 503 leaves a changed cart unpriced, until the retry prices it', async () => {
    const network = serveCheckout((call) =>
      call === 1
        ? apiError(503, 'payment_provider_unavailable', "We couldn't reach our payment provider. Please try again.")
        : undefined,
    );
    const user = userEvent.setup();
    renderApp('/checkout');

    await waitFor(() => expect(screen.getByRole('button', { name: 'Pay $60.00' })).toBeEnabled());
    await user.click(screen.getByRole('button', { name: 'Cart (2 items)' }));
    await user.click(screen.getByRole('button', { name: 'Increase quantity of The Dream Machine' }));
    await user.keyboard('{Escape}');

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent("We couldn't reach our payment provider. Please try again.");
    // The old total must not be payable for the new cart.
    expect(screen.getByRole('button', { name: 'Pay $60.00' })).toBeDisabled();

    await user.click(within(alert).getByRole('button', { name: 'Try again' }));

    const pay = await screen.findByRole('button', { name: 'Pay $90.00' });
    await waitFor(() => expect(pay).toBeEnabled());
    expect(network.callsTo('/create-payment-intent')).toHaveLength(3);
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
    expect(screen.getByRole('region', { name: 'Order summary' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /^Pay/ })).not.toBeInTheDocument();
    expect(screen.queryByRole('form', { name: 'Payment' })).not.toBeInTheDocument();

    await user.click(within(alert).getByRole('button', { name: 'Try again' }));

    const pay = await screen.findByRole('button', { name: 'Pay $60.00' });
    await waitFor(() => expect(pay).toBeEnabled());
    expect(getStripe).toHaveBeenCalledTimes(2);
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
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

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent(STRIPE_UNAVAILABLE_MESSAGE);
    expect(alert).not.toHaveTextContent('The frame could not be loaded.');
    expect(screen.queryByRole('button', { name: /^Pay/ })).not.toBeInTheDocument();

    await user.click(within(alert).getByRole('button', { name: 'Try again' }));

    const pay = await screen.findByRole('button', { name: 'Pay $60.00' });
    await waitFor(() => expect(pay).toBeEnabled());
    expect(fake.elements.create).toHaveBeenCalledTimes(2);
  });

  it('says the cart is empty instead of calling the server', async () => {
    const network = serveCheckout();
    storeCart([]);
    renderCheckout();

    expect(await screen.findByText('Your cart is empty')).toBeInTheDocument();
    expect(network.callsTo('/create-payment-intent')).toHaveLength(0);
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

  beforeEach(() => {
    vi.useFakeTimers();
  });

  it('counts down the seconds the server asked for, then tries again by itself', async () => {
    const network = serveCheckout((call) => (call === 0 ? busy('3') : undefined));
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
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    await settle();
    expect(screen.getByRole('button', { name: 'Pay $60.00' })).toBeEnabled();
  });

  it('announces the message once: the countdown inside the alert is a timer, which is not live', async () => {
    serveCheckout((call) => (call === 0 ? busy('5') : undefined));
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
    const network = serveCheckout((call) => (call === 0 ? rateLimited('10') : undefined));
    renderCheckout(stripeConfig);
    await settle();

    const alert = screen.getByRole('alert');
    expect(within(alert).getByRole('timer')).toHaveTextContent('Trying again in 10 seconds…');
    fireEvent.click(within(alert).getByRole('button', { name: 'Try again' }));

    expect(network.callsTo('/create-payment-intent')).toHaveLength(2);
    await settle();
    await elapse(10_000);
    expect(network.callsTo('/create-payment-intent')).toHaveLength(2);
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Pay $60.00' })).toBeEnabled();
  });

  it('tries again by itself only once while the provider stays busy, then leaves it to the shopper', async () => {
    const network = serveCheckout(() => busy('2'));
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
    const network = serveCheckout((call) =>
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
