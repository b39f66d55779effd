import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { OrderView } from '../../lib/api';
import { elapse, settle } from '../../testing/clock';
import { apiError, mockFetch, type RecordedRequest, type Reply } from '../../testing/fetchMock';
import { CART_ID, books, order, storeCart, storedCart } from '../../testing/fixtures';
import { renderPage } from '../../app/testing';
import { rememberCheckout } from '../cart/cartPayments';
import SuccessPage from './SuccessPage';

const ROUTE = '/success?payment_intent=pi_test_1&payment_intent_client_secret=pi_test_1_secret_abc';
/** Asks at 0, 20, 60, 140, 300, 460… ms; says "processing" from 100 ms on. */
const FAST = { firstDelayMs: 20, factor: 2, maxDelayMs: 160, patienceMs: 100 };

function serveOrder(reply: Reply | ((request: unknown, call: number) => Reply)) {
  return mockFetch([
    { path: '/api/books', reply: { body: { books } } },
    { path: '/api/orders/pi_test_1', reply },
  ]);
}

function renderSuccess(route = ROUTE) {
  return renderPage(<SuccessPage polling={FAST} />, { route, path: '/success' });
}

/** The not-found page and nothing of any order: no thanks, amount, reference or lines. */
function expectOnlyNotFound() {
  expect(screen.getByRole('heading', { name: "We couldn't find that order" })).toBeInTheDocument();
  expect(screen.getAllByRole('heading')).toHaveLength(1);
  expect(screen.getByRole('link', { name: 'Back to the shop' })).toHaveAttribute('href', '/');
  expect(screen.queryByText(/Thank you|not completed|processing|refunded/i)).not.toBeInTheDocument();
  expect(screen.queryByText(/Payment reference/)).not.toBeInTheDocument();
  expect(screen.queryByText(/\$\d/)).not.toBeInTheDocument();
}

/** Waits for the not-found page, then checks it shows nothing else. */
async function findOnlyNotFound() {
  await screen.findByRole('heading', { name: "We couldn't find that order" });
  expectOnlyNotFound();
}

const sequence =
  (...orders: OrderView[]) =>
  (_request: unknown, call: number): Reply => ({ body: orders[Math.min(call, orders.length - 1)] });

describe('success page', () => {
  it('thanks the shopper for a paid order with the amount, reference and lines', async () => {
    const network = serveOrder({ body: order() });
    renderSuccess();

    expect(await screen.findByRole('heading', { name: 'Thank you for your order' })).toBeInTheDocument();
    expect(screen.getByText(/received your payment of/)).toHaveTextContent('$60.00');
    expect(screen.getByText('pi_test_1')).toBeInTheDocument();
    expect(screen.getByText('The Dream Machine')).toBeInTheDocument();
    expect(network.callsTo('/api/orders/pi_test_1')[0]?.query.get('client_secret')).toBe('pi_test_1_secret_abc');
  });

  it('shows everything the order holds: number, email, address, delivery window, payment method and totals', async () => {
    serveOrder({
      body: order({
        amount: 8249,
        subtotal: 6000,
        shippingAmount: 1499,
        taxAmount: 750,
        email: 'ada@example.com',
        shipping: {
          name: 'Ada Lovelace',
          line1: '354 Oyster Point Blvd',
          line2: 'Suite 2',
          city: 'South San Francisco',
          state: 'CA',
          postalCode: '94080',
          country: 'US',
          phone: '+1 555 0100',
        },
        delivery: { method: 'express', label: 'Express', amount: 1499, minDays: 1, maxDays: 2 },
        paymentMethod: 'Visa •••• 4242',
      }),
    });
    renderSuccess();

    const details = await screen.findByRole('region', { name: 'Order details' });
    const fact = (term: string) => within(details).getByText(term).nextElementSibling;
    expect(fact('Order number')).toHaveTextContent('SP-7K3M9Q');
    expect(fact('Email')).toHaveTextContent('ada@example.com');
    expect(within(fact('Shipping to') as HTMLElement).getAllByText(/./).map((line) => line.textContent)).toEqual([
      'Ada Lovelace',
      '354 Oyster Point Blvd',
      'Suite 2',
      'South San Francisco, CA 94080',
      'United States',
      '+1 555 0100',
    ]);
    expect(fact('Delivery')).toHaveTextContent('Express: arrives in 1–2 business days');
    expect(fact('Payment method')).toHaveTextContent('Visa •••• 4242');
    expect(fact('Payment reference')).toHaveTextContent('pi_test_1');
    const receipt = screen.getByRole('region', { name: 'Your books' });
    const row = (term: string) => within(receipt).getByText(term).nextElementSibling;
    expect(row('Subtotal')).toHaveTextContent('$60.00');
    expect(row('Shipping (Express)')).toHaveTextContent('$14.99');
    expect(row('Tax')).toHaveTextContent('$7.50');
    expect(row('Total')).toHaveTextContent('$82.49');
    expect(screen.getByText(/received your payment of/)).toHaveTextContent('$82.49');
  });

  it('writes a European address postal code first', async () => {
    serveOrder({
      body: order({
        shipping: {
          name: 'Ada Lovelace',
          line1: 'Unter den Linden 1',
          line2: null,
          city: 'Berlin',
          state: null,
          postalCode: '10117',
          country: 'DE',
          phone: null,
        },
      }),
    });
    renderSuccess();

    const details = await screen.findByRole('region', { name: 'Order details' });
    expect(within(details).getByText('10117 Berlin')).toBeInTheDocument();
    expect(within(details).getByText('Germany')).toBeInTheDocument();
  });

  it('sends the shopper back to checkout, cart kept, when their bank refused the redirect payment', async () => {
    const network = serveOrder({ body: order() });
    storeCart([{ id: 'the-dream-machine', quantity: 2 }]);
    rememberCheckout(CART_ID, 'pi_test_1');
    renderSuccess(`${ROUTE}&redirect_status=failed`);

    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent(/^\/checkout\?payment=failed$/));
    expect(network.callsTo('/api/orders/pi_test_1')).toHaveLength(0);
    expect(storedCart()).toMatchObject({ cartId: CART_ID, items: [{ id: 'the-dream-machine', quantity: 2 }] });
  });

  it('shows the order after a redirect back that the bank approved', async () => {
    serveOrder({ body: order() });
    renderSuccess(`${ROUTE}&redirect_status=succeeded`);

    expect(await screen.findByRole('heading', { name: 'Thank you for your order' })).toBeInTheDocument();
  });

  it('empties the cart that was paid for and gives it a new id', async () => {
    serveOrder({ body: order() });
    storeCart([{ id: 'the-dream-machine', quantity: 2 }]);
    rememberCheckout(CART_ID, 'pi_test_1');
    renderSuccess();

    await screen.findByRole('heading', { name: 'Thank you for your order' });
    await waitFor(() => expect(storedCart().items).toEqual([]));
    expect(storedCart().cartId).not.toBe(CART_ID);
  });

  it('keeps a cart that was not the one paid for', async () => {
    serveOrder({ body: order() });
    storeCart([{ id: 'the-dream-machine', quantity: 1 }]);
    rememberCheckout(CART_ID, 'pi_some_other_payment');
    renderSuccess();

    await screen.findByRole('heading', { name: 'Thank you for your order' });
    expect(storedCart()).toMatchObject({ cartId: CART_ID, items: [{ id: 'the-dream-machine', quantity: 1 }] });
  });

  it('waits for the webhook while Stripe says succeeded, then shows the paid order', async () => {
    const network = serveOrder(
      sequence(
        order({ status: 'pending', paymentStatus: 'succeeded', paidAt: null }),
        order({ status: 'pending', paymentStatus: 'succeeded', paidAt: null }),
        order(),
      ),
    );
    storeCart([{ id: 'the-dream-machine', quantity: 2 }]);
    rememberCheckout(CART_ID, 'pi_test_1');
    vi.useFakeTimers();
    renderSuccess();
    await settle();

    expect(screen.getByText('Confirming your payment…')).toBeInTheDocument();
    // Stripe already has the money, so the cart is emptied before the webhook lands.
    expect(storedCart().items).toEqual([]);
    await elapse(20);
    expect(screen.getByText('Confirming your payment…')).toBeInTheDocument();
    await elapse(40);
    expect(screen.getByRole('heading', { name: 'Thank you for your order' })).toBeInTheDocument();
    expect(network.callsTo('/api/orders/pi_test_1')).toHaveLength(3);
  });

  it('keeps asking while the bank confirms a debit, each time a while longer after the last, and says what happens next', async () => {
    vi.useFakeTimers();
    const processing = order({
      status: 'pending',
      paymentStatus: 'processing',
      paidAt: null,
      email: 'ada@example.com',
      paymentMethod: 'SEPA Direct Debit •••• 3000',
    });
    let settledByBank = false;
    const network = serveOrder(() => ({ body: settledByBank ? order({ paymentMethod: 'SEPA Direct Debit •••• 3000' }) : processing }));
    const asked = () => network.callsTo('/api/orders/pi_test_1').length;
    storeCart([{ id: 'the-dream-machine', quantity: 2 }]);
    rememberCheckout(CART_ID, 'pi_test_1');
    renderSuccess();
    await settle();

    expect(screen.getByRole('heading', { name: 'Your payment is processing' })).toBeInTheDocument();
    expect(
      screen.getByText("Your bank is confirming the payment; this page updates when it does, and we'll email you a receipt."),
    ).toHaveAttribute('role', 'status');
    expect(screen.getByText('SEPA Direct Debit •••• 3000')).toBeInTheDocument();
    // The money is on its way: this cart must not be bought twice.
    expect(storedCart().items).toEqual([]);

    // Waits of 20, 40, 80, then 160 ms, the longest.
    for (const [wait, calls] of [[20, 2], [40, 3], [80, 4], [160, 5], [160, 6]] as const) {
      await elapse(wait - 1);
      expect(asked()).toBe(calls - 1);
      await elapse(1);
      expect(asked()).toBe(calls);
    }
    expect(screen.getByRole('heading', { name: 'Your payment is processing' })).toBeInTheDocument();

    settledByBank = true;
    await elapse(FAST.maxDelayMs);
    expect(screen.getByRole('heading', { name: 'Thank you for your order' })).toBeInTheDocument();
    const calls = asked();
    await elapse(FAST.maxDelayMs * 3);
    expect(asked()).toBe(calls);
  });

  it('asks nothing while the tab is hidden, and asks at once when it is shown again', async () => {
    vi.useFakeTimers();
    const network = serveOrder({ body: order({ status: 'pending', paymentStatus: 'processing', paidAt: null }) });
    const asked = () => network.callsTo('/api/orders/pi_test_1').length;
    const visibility = vi.spyOn(document, 'visibilityState', 'get');
    const tab = (state: DocumentVisibilityState) => {
      visibility.mockReturnValue(state);
      document.dispatchEvent(new Event('visibilitychange'));
    };
    renderSuccess();
    await settle();
    expect(asked()).toBe(1);

    tab('hidden');
    await elapse(FAST.maxDelayMs * 10);
    expect(asked()).toBe(1);

    tab('visible');
    await settle();
    expect(asked()).toBe(2);
    // Then on, from where it had got to.
    await elapse(39);
    expect(asked()).toBe(2);
    await elapse(1);
    expect(asked()).toBe(3);

    // Hidden and shown again before the next ask was due: nothing extra.
    tab('hidden');
    await elapse(10);
    tab('visible');
    await settle();
    expect(asked()).toBe(3);
    await elapse(70);
    expect(asked()).toBe(4);
  });

  it('keeps saying the payment is processing, and asking, when the webhook is late', async () => {
    vi.useFakeTimers();
    const network = serveOrder({ body: order({ status: 'pending', paymentStatus: 'succeeded', paidAt: null }) });
    renderSuccess();
    await settle();
    expect(screen.getByText('Confirming your payment…')).toBeInTheDocument();

    // The answers at 20 and 60 ms are within the 100 ms the webhook is expected in; 140 is not.
    await elapse(60);
    expect(screen.getByText('Confirming your payment…')).toBeInTheDocument();
    await elapse(80);

    expect(screen.getByRole('heading', { name: 'Your payment is processing' })).toBeInTheDocument();
    expect(screen.getByText(/^We're confirming your payment; this page updates when it does/)).toHaveAttribute(
      'role',
      'status',
    );
    await elapse(FAST.maxDelayMs);
    expect(network.callsTo('/api/orders/pi_test_1')).toHaveLength(5);
  });

  it('keeps the order on screen when a later lookup fails, and asks again', async () => {
    vi.useFakeTimers();
    const network = serveOrder((_request, call) =>
      call === 1
        ? apiError(429, 'rate_limited', 'Too many requests.')
        : { body: order({ status: 'pending', paymentStatus: 'processing', paidAt: null }) },
    );
    renderSuccess();
    await settle();
    await elapse(20);

    expect(network.callsTo('/api/orders/pi_test_1')).toHaveLength(2);
    expect(screen.getByRole('heading', { name: 'Your payment is processing' })).toBeInTheDocument();
    await elapse(40);
    expect(network.callsTo('/api/orders/pi_test_1')).toHaveLength(3);
  });

  it('asks again no sooner than a busy server says', async () => {
    vi.useFakeTimers();
    const network = serveOrder((_request, call) =>
      call === 1
        ? { ...apiError(429, 'rate_limited', 'Too many requests.'), headers: { 'Retry-After': '2' } }
        : { body: order({ status: 'pending', paymentStatus: 'processing', paidAt: null }) },
    );
    renderSuccess();
    await settle();
    await elapse(20);
    expect(network.callsTo('/api/orders/pi_test_1')).toHaveLength(2);

    await elapse(1999);
    expect(network.callsTo('/api/orders/pi_test_1')).toHaveLength(2);
    await elapse(1);
    expect(network.callsTo('/api/orders/pi_test_1')).toHaveLength(3);
  });

  it('shows the processing message for an order the server has marked processing', async () => {
    serveOrder({ body: order({ status: 'processing', paymentStatus: 'requires_action', paidAt: null }) });
    renderSuccess();

    expect(await screen.findByRole('heading', { name: 'Your payment is processing' })).toBeInTheDocument();
  });

  it('explains a failed payment and links back to checkout', async () => {
    serveOrder({
      body: order({
        status: 'failed',
        paymentStatus: 'requires_payment_method',
        paidAt: null,
        failureMessage: 'Your card was declined.',
      }),
    });
    storeCart([{ id: 'the-dream-machine', quantity: 2 }]);
    rememberCheckout(CART_ID, 'pi_test_1');
    renderSuccess();

    expect(await screen.findByRole('heading', { name: 'Your payment was not completed' })).toBeInTheDocument();
    expect(screen.getByText('Your card was declined.')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Back to checkout' })).toHaveAttribute('href', '/checkout');
    expect(storedCart().items).toHaveLength(1);
  });

  it('sends the shopper to the shop, not to an empty checkout, when a debit fails after its cart was emptied', async () => {
    serveOrder({
      body: order({ status: 'failed', paymentStatus: 'requires_payment_method', paidAt: null, failureMessage: 'The debit was refused.' }),
    });
    renderSuccess();

    expect(await screen.findByRole('heading', { name: 'Your payment was not completed' })).toBeInTheDocument();
    expect(screen.getByText('The debit was refused.')).toBeInTheDocument();
    expect(screen.getByText('No money was taken. Your cart is empty: add the books again to order them.')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Back to the shop' })).toHaveAttribute('href', '/');
    expect(screen.queryByRole('link', { name: 'Back to checkout' })).not.toBeInTheDocument();
  });

  it.each(['requires_payment_method', 'requires_confirmation', 'requires_action', 'canceled'] as const)(
    'tells a direct visitor that a pending order with payment status %s was not paid, never thanks them',
    async (paymentStatus) => {
      vi.useFakeTimers();
      const network = serveOrder({ body: order({ status: 'pending', paymentStatus, paidAt: null }) });
      storeCart([{ id: 'the-dream-machine', quantity: 2 }]);
      rememberCheckout(CART_ID, 'pi_test_1');
      renderSuccess();
      await settle();

      expect(screen.getByRole('heading', { name: 'Your payment was not completed' })).toBeInTheDocument();
      expect(screen.getByRole('alert')).toHaveTextContent('No money was taken. You can try again.');
      expect(screen.getByRole('link', { name: 'Back to checkout' })).toHaveAttribute('href', '/checkout');
      expect(screen.queryByText(/Thank you/)).not.toBeInTheDocument();
      expect(screen.queryByText(/received your payment/)).not.toBeInTheDocument();
      // Nothing to wait for, and the cart is still there to pay for.
      await elapse(FAST.maxDelayMs * 4);
      expect(network.callsTo('/api/orders/pi_test_1')).toHaveLength(1);
      expect(storedCart().items).toHaveLength(1);
    },
  );

  it("shows only \"We couldn't find that order\" for a made-up payment id", async () => {
    const network = mockFetch([
      { path: '/api/books', reply: { body: { books } } },
      { path: /^\/api\/orders\//, reply: apiError(404, 'not_found', 'No such order.') },
    ]);
    storeCart([{ id: 'the-dream-machine', quantity: 2 }]);
    renderSuccess('/success?payment_intent=pi_made_up&payment_intent_client_secret=pi_made_up_secret_x');

    await findOnlyNotFound();
    expect(network.callsTo('/api/orders/pi_made_up')).toHaveLength(1);
    expect(storedCart().items).toHaveLength(1);
  });

  it('shows only the not-found page for a real payment id with the wrong client secret', async () => {
    const network = serveOrder((request) =>
      (request as RecordedRequest).query.get('client_secret') === 'pi_test_1_secret_abc'
        ? { body: order() }
        : apiError(404, 'not_found', 'No such order.'),
    );
    vi.useFakeTimers();
    renderSuccess('/success?payment_intent=pi_test_1&payment_intent_client_secret=pi_test_1_secret_guessed');
    await settle();

    expectOnlyNotFound();
    // Still nothing of the order after a while: a 404 is final, not polled or retried.
    await elapse(FAST.maxDelayMs * 4);
    expect(network.callsTo('/api/orders/pi_test_1')).toHaveLength(1);
    expect(screen.queryByText('The Dream Machine')).not.toBeInTheDocument();
  });

  it('sends an odd id safely encoded in the path, and shows the not-found page', async () => {
    const network = mockFetch([
      { path: '/api/books', reply: { body: { books } } },
      { path: /^\/api\/orders\//, reply: apiError(404, 'not_found', 'No such order.') },
    ]);
    renderSuccess('/success?payment_intent=..%2Fbooks%3Fx&payment_intent_client_secret=s');

    await findOnlyNotFound();
    expect(network.calls.filter((call) => call.path.startsWith('/api/orders/')).map((call) => call.path)).toEqual([
      '/api/orders/..%2Fbooks%3Fx',
    ]);
  });

  it.each([
    ['the client secret is missing', '/success?payment_intent=pi_test_1'],
    ['the payment id is missing', '/success?payment_intent_client_secret=pi_test_1_secret_abc'],
    ['both are empty', '/success?payment_intent=&payment_intent_client_secret='],
    ['there is no query at all', '/success'],
  ])('shows only the not-found page, without asking the server, when %s', async (_case, route) => {
    const network = serveOrder({ body: order() });
    renderSuccess(route);

    await findOnlyNotFound();
    expect(network.calls.filter((call) => call.path.startsWith('/api/orders/'))).toHaveLength(0);
  });
});
