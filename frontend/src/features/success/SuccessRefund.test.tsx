import { screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { OrderView } from '../../lib/api';
import { elapse, settle } from '../../testing/clock';
import { mockFetch, type Reply } from '../../testing/fetchMock';
import { CART_ID, books, order, storeCart, storedCart } from '../../testing/fixtures';
import { renderPage } from '../../app/testing';
import { rememberCheckout } from '../cart/cartPayments';
import SuccessPage from './SuccessPage';

const ROUTE = '/success?payment_intent=pi_test_1&payment_intent_client_secret=pi_test_1_secret_abc';
const FAST = { firstDelayMs: 20, factor: 2, maxDelayMs: 160, patienceMs: 100 };
const ORDERS = '/api/orders/pi_test_1';

/** An order whose payment arrived (Visa, with an email), in the state given. */
function paidFor(overrides: Partial<OrderView>): OrderView {
  return order({ email: 'ada@example.com', paymentMethod: 'Visa •••• 4242', refundCause: null, ...overrides });
}

function serveOrder(reply: (call: number) => Reply) {
  return mockFetch([
    { path: '/api/books', reply: { body: { books } } },
    { path: ORDERS, reply: (_request, call) => reply(call) },
  ]);
}

function renderSuccess() {
  return renderPage(<SuccessPage polling={FAST} />, { route: ROUTE, path: '/success' });
}

/** The page's one live message (the test's location probe, an <output>, is a status too). */
function liveNotice(): HTMLElement {
  const [notice, ...others] = screen.getAllByRole('status').filter((element) => element.dataset.testid !== 'location');
  expect(others).toHaveLength(0);
  if (!notice) throw new Error('No live message on the page.');
  return notice;
}

/** The page says nothing of books on their way, nor thanks for a payment it gave back. */
function expectNoPromiseOfBooks() {
  expect(screen.queryByText(/Thank you|on their way|received your payment/)).not.toBeInTheDocument();
}

describe('success page, when the copies sold out before the payment arrived', () => {
  it('says no books are coming and the full amount is being refunded, keeps asking, then says it was refunded and emailed', async () => {
    vi.useFakeTimers();
    let refunded = false;
    const network = serveOrder(() => ({
      body: paidFor({ status: refunded ? 'refunded' : 'refunding', refundCause: 'sold_out' }),
    }));
    storeCart([{ id: 'the-dream-machine', quantity: 2 }]);
    rememberCheckout(CART_ID, 'pi_test_1');
    renderSuccess();
    await settle();

    expect(screen.getByRole('heading', { level: 1, name: 'Sorry, your books sold out' })).toBeInTheDocument();
    const notice = liveNotice();
    expect(within(notice).getAllByRole('paragraph').map((line) => line.textContent)).toEqual([
      'The last copies sold out before your payment reached us, so no books will be sent.',
      "We're refunding the full $60.00 to your Visa •••• 4242; there's nothing you need to do.",
      "We'll email ada@example.com when the refund has gone through.",
    ]);
    expectNoPromiseOfBooks();
    // What was ordered is still shown, under a heading that does not promise the books.
    expect(screen.getByRole('region', { name: 'What you ordered' })).toHaveTextContent('The Dream Machine');
    expect(screen.queryByRole('region', { name: 'Your books' })).not.toBeInTheDocument();
    expect(screen.getByRole('region', { name: 'Order details' })).toHaveTextContent('SP-7K3M9Q');
    expect(screen.getByRole('link', { name: 'Back to the shop' })).toHaveAttribute('href', '/');
    // The payment went through, so its cart is spent: it must not be paid for again.
    expect(storedCart().items).toEqual([]);

    // Still refunding: the page keeps asking, each time a while longer after the last.
    await elapse(20);
    expect(network.callsTo(ORDERS)).toHaveLength(2);
    await elapse(40);
    expect(network.callsTo(ORDERS)).toHaveLength(3);

    refunded = true;
    await elapse(80);
    expect(screen.getByRole('heading', { level: 1, name: 'Sorry, your books sold out' })).toBeInTheDocument();
    // The same live region, so a screen reader hears the change.
    expect(liveNotice()).toBe(notice);
    expect(within(notice).getAllByRole('paragraph').map((line) => line.textContent)).toEqual([
      'The last copies sold out before your payment reached us, so no books will be sent.',
      "We've refunded the full $60.00 to your Visa •••• 4242. Your bank may take a few days to show it.",
      "We've sent an email about it to ada@example.com.",
    ]);
    expectNoPromiseOfBooks();

    // Refunded is final: no more asking.
    const calls = network.callsTo(ORDERS).length;
    await elapse(FAST.maxDelayMs * 3);
    expect(network.callsTo(ORDERS)).toHaveLength(calls);
  });

  it('promises no email to a shopper who gave none, and names no card it does not know', async () => {
    serveOrder(() => ({
      body: paidFor({ status: 'refunded', refundCause: 'sold_out', email: null, paymentMethod: null }),
    }));
    renderSuccess();

    await screen.findByRole('heading', { name: 'Sorry, your books sold out' });
    const notice = liveNotice();
    expect(notice).toHaveTextContent(
      "We've refunded the full $60.00 to the card or account you paid with. Your bank may take a few days to show it.",
    );
    expect(notice).not.toHaveTextContent(/email/i);
  });

  it('says a refund is coming when the payment arrives only after the copies went (webhook still pending first)', async () => {
    const network = serveOrder((call) => ({
      body:
        call === 0
          ? paidFor({ status: 'pending', paymentStatus: 'succeeded', paidAt: null })
          : paidFor({ status: 'refunding', refundCause: 'sold_out' }),
    }));
    vi.useFakeTimers();
    renderSuccess();
    await settle();

    expect(screen.getByText('Confirming your payment…')).toBeInTheDocument();
    await elapse(FAST.firstDelayMs);
    expect(screen.getByRole('heading', { name: 'Sorry, your books sold out' })).toBeInTheDocument();
    expect(liveNotice()).toHaveTextContent('no books will be sent');
    expect(network.callsTo(ORDERS)).toHaveLength(2);
  });
});

describe('success page, when the shop refunded the order', () => {
  it('says the order is being refunded, without blaming stock, then that it was refunded', async () => {
    vi.useFakeTimers();
    let refunded = false;
    const network = serveOrder(() => ({ body: paidFor({ status: refunded ? 'refunded' : 'refunding', refundCause: 'shop' }) }));
    renderSuccess();
    await settle();

    expect(screen.getByRole('heading', { level: 1, name: 'This order is being refunded' })).toBeInTheDocument();
    const notice = liveNotice();
    expect(within(notice).getAllByRole('paragraph').map((line) => line.textContent)).toEqual([
      "We're refunding this order in full: $60.00 back to your Visa •••• 4242.",
      "We'll email ada@example.com when the refund has gone through.",
    ]);
    expect(screen.queryByText(/sold out/)).not.toBeInTheDocument();
    expect(screen.getByRole('region', { name: 'Your books' })).toBeInTheDocument();

    refunded = true;
    await elapse(FAST.firstDelayMs);
    expect(screen.getByRole('heading', { level: 1, name: 'This order was refunded' })).toBeInTheDocument();
    expect(within(notice).getAllByRole('paragraph').map((line) => line.textContent)).toEqual([
      'We refunded this order in full: $60.00 back to your Visa •••• 4242. Your bank may take a few days to show it.',
      "We've sent an email about it to ada@example.com.",
    ]);
    const calls = network.callsTo(ORDERS).length;
    await elapse(FAST.maxDelayMs * 2);
    expect(network.callsTo(ORDERS)).toHaveLength(calls);
    expectNoPromiseOfBooks();
  });

  it('does not ask again for an order refunded before the page opened', async () => {
    vi.useFakeTimers();
    const network = serveOrder(() => ({ body: paidFor({ status: 'refunded', refundCause: 'shop' }) }));
    renderSuccess();
    await settle();

    expect(screen.getByRole('heading', { level: 1, name: 'This order was refunded' })).toBeInTheDocument();
    await elapse(FAST.maxDelayMs * 4);
    expect(network.callsTo(ORDERS)).toHaveLength(1);
  });
});
