/**
 * Pay in the "finalize payments on the server" flow: elements.submit, a ConfirmationToken,
 * then POST /create-payment-intent with the quote on screen; the server makes the order and
 * confirms, and the page only finishes what the bank asks (handleNextAction).
 */
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Config, QuoteResponse } from '../../lib/api';
import { elapse, settle } from '../../testing/clock';
import { serveCheckout } from '../../testing/checkoutServer';
import { apiError, type Reply } from '../../testing/fetchMock';
import { createFakeStripe, paymentIntentWith } from '../../testing/fakeStripe';
import {
  CART_ID,
  CLIENT_SECRET,
  demoConfig,
  PAYMENT_INTENT_ID,
  placedFor,
  quoteFor,
  storeCart,
  storedCart,
} from '../../testing/fixtures';
import { payable } from '../../testing/payable';
import { renderPage } from '../../app/testing';
import { loadHold } from '../cart/cartStock';
import { wasCheckedOutWith } from '../cart/cartPayments';
import CheckoutPage from './CheckoutPage';
import { getStripe } from './stripeLoader';
import {
  alertWith,
  fillIn,
  giveDetails,
  payButton,
  READY_TOTAL,
  summaryRow,
  type FakeStripe,
} from './testing';
import { DETAILS_DEBOUNCE_MS } from './useQuote';

vi.mock('./stripeLoader', () => ({ getStripe: vi.fn() }));

function renderCheckout(config: Config = demoConfig, route = '/checkout') {
  return renderPage(<CheckoutPage />, { route, path: '/checkout', config });
}

const RETURN_URL = `${window.location.origin}/success`;
const SUCCESS = `/success?payment_intent=${PAYMENT_INTENT_ID}&payment_intent_client_secret=${CLIENT_SECRET}`;
const DECLINED = apiError(402, 'card_declined', 'Your card was declined.');

let fake: FakeStripe;

beforeEach(() => {
  fake = createFakeStripe();
  vi.mocked(getStripe).mockReset();
  vi.mocked(getStripe).mockResolvedValue(fake.stripe);
  storeCart([{ id: 'the-dream-machine', quantity: 2 }]);
});

function location() {
  return screen.getByTestId('location');
}

/** The same order with dearer books: what the server quotes after its prices went up. */
function raised(quote: QuoteResponse): QuoteResponse {
  const items = quote.items.map((line) => ({ ...line, unitAmount: 3500, lineTotal: 3500 * line.quantity }));
  const subtotal = items.reduce((sum, line) => sum + line.lineTotal, 0);
  const taxAmount = Math.round((subtotal + (quote.shippingAmount ?? 0)) * 0.1);
  return {
    ...quote,
    items,
    subtotal,
    taxAmount,
    amount: subtotal + (quote.shippingAmount ?? 0) + taxAmount,
    quoteId: 'quote_raised',
  };
}

describe('Pay', () => {
  it('checks the payment details, makes a ConfirmationToken, and sends it with the quote on screen; the server confirms', async () => {
    const network = serveCheckout();
    const user = userEvent.setup();
    renderCheckout();
    const pay = await fillIn(fake);
    const shown = network.quotes().at(-1)!;

    await user.click(pay);

    await waitFor(() => expect(location()).toHaveTextContent(SUCCESS));
    expect(fake.elements.submit).toHaveBeenCalledTimes(1);
    expect(fake.createConfirmationToken).toHaveBeenCalledWith({
      elements: fake.elements,
      params: { return_url: RETURN_URL },
    });
    expect(fake.elements.submit.mock.invocationCallOrder[0]).toBeLessThan(
      fake.createConfirmationToken.mock.invocationCallOrder[0]!,
    );
    expect(network.pays()).toEqual([
      { ...shown, quoteId: quoteFor(shown).quoteId, confirmationToken: 'ctoken_test_1', returnUrl: RETURN_URL },
    ]);
    // The server confirmed: the page neither confirms nor has anything left to do.
    expect(fake.confirmPayment).not.toHaveBeenCalled();
    expect(fake.handleNextAction).not.toHaveBeenCalled();
    // The success page empties this cart for this PaymentIntent only.
    expect(wasCheckedOutWith(CART_ID, PAYMENT_INTENT_ID)).toBe(true);
  });

  it('goes to the receipt when the payment is processing (a debit the bank decides later)', async () => {
    serveCheckout({ pay: (body) => ({ body: placedFor(body, { status: 'processing' }) }) });
    const user = userEvent.setup();
    renderCheckout();

    await user.click(await fillIn(fake));

    await waitFor(() => expect(location()).toHaveTextContent(SUCCESS));
    expect(fake.handleNextAction).not.toHaveBeenCalled();
  });

  it('finishes 3-D Secure with handleNextAction and the client secret, then goes to the receipt', async () => {
    serveCheckout({ pay: (body) => ({ body: placedFor(body, { status: 'requires_action' }) }) });
    const user = userEvent.setup();
    renderCheckout();

    await user.click(await fillIn(fake));

    await waitFor(() => expect(location()).toHaveTextContent(SUCCESS));
    expect(fake.handleNextAction).toHaveBeenCalledWith({ clientSecret: CLIENT_SECRET });
    expect(fake.confirmPayment).not.toHaveBeenCalled();
  });

  it('notes the copies the server now holds for the cart once Pay made the order', async () => {
    // A bank's page: handleNextAction leaves the page and never settles.
    fake.handleNextAction.mockReturnValue(new Promise(() => {}));
    serveCheckout({ pay: (body) => ({ body: placedFor(body, { status: 'requires_action' }) }) });
    const user = userEvent.setup();
    renderCheckout();
    await fillIn(fake);
    expect(loadHold()).toBeNull();

    await user.click(payButton());

    await waitFor(() => expect(fake.handleNextAction).toHaveBeenCalled());
    expect(loadHold()).toMatchObject({ cartId: CART_ID, items: [{ id: 'the-dream-machine', quantity: 2 }] });
    expect(wasCheckedOutWith(CART_ID, PAYMENT_INTENT_ID)).toBe(true);
    expect(payButton()).toHaveTextContent('Processing…');
  });

  it('says why when 3-D Secure fails, and pays with a new token on the next press (the same order)', async () => {
    fake.handleNextAction.mockResolvedValueOnce({
      error: {
        type: 'invalid_request_error',
        code: 'payment_intent_authentication_failure',
        message: 'We are unable to authenticate your payment method.',
      },
    });
    const network = serveCheckout({
      pay: (body, call) => ({ body: placedFor(body, { status: call === 0 ? 'requires_action' : 'succeeded' }) }),
    });
    const user = userEvent.setup();
    renderCheckout();
    await user.click(await fillIn(fake));

    const alert = await screen.findByText('We are unable to authenticate your payment method.');
    expect(alert).toHaveAttribute('role', 'alert');
    expect(alert).toHaveFocus();
    const pay = screen.getByRole('button', { name: `Pay ${READY_TOTAL}` });
    expect(payable(pay)).toBe(true);

    await user.click(pay);

    await waitFor(() => expect(location()).toHaveTextContent(SUCCESS));
    expect(network.pays().map((body) => [body.cartId, body.confirmationToken])).toEqual([
      [CART_ID, 'ctoken_test_1'],
      [CART_ID, 'ctoken_test_2'],
    ]);
  });

  it('says why when the bank refuses after 3-D Secure, and the order waits for another try', async () => {
    fake.handleNextAction.mockResolvedValueOnce(
      paymentIntentWith('requires_payment_method', { last_payment_error: { message: 'Your card was declined.' } }),
    );
    serveCheckout({ pay: (body) => ({ body: placedFor(body, { status: 'requires_action' }) }) });
    const user = userEvent.setup();
    renderCheckout();

    await user.click(await fillIn(fake));

    expect(await screen.findByText('Your card was declined.')).toHaveFocus();
    expect(location()).toHaveTextContent(/^\/checkout$/);
    expect(payable(screen.getByRole('button', { name: `Pay ${READY_TOTAL}` }))).toBe(true);
  });

  it('shows a decline beside Pay, focused, and pays with another card on the next press', async () => {
    const network = serveCheckout({ pay: (_body, call) => (call === 0 ? DECLINED : undefined) });
    const user = userEvent.setup();
    renderCheckout();
    await user.click(await fillIn(fake));

    const alert = await screen.findByText('Your card was declined.');
    expect(alert).toHaveAttribute('role', 'alert');
    expect(alert).toHaveFocus();
    expect(location()).toHaveTextContent(/^\/checkout$/);
    const pay = screen.getByRole('button', { name: `Pay ${READY_TOTAL}` });
    await waitFor(() => expect(payable(pay)).toBe(true));

    await user.click(pay);

    await waitFor(() => expect(location()).toHaveTextContent(SUCCESS));
    const [first, second] = network.pays();
    expect(second).toEqual({ ...first, confirmationToken: 'ctoken_test_2' });
    expect(storedCart().items).toEqual([{ id: 'the-dream-machine', quantity: 2 }]);
  });

  it('shows the new total when the server’s quote changed, charges nothing, and pays that total on the next press', async () => {
    let fresh: QuoteResponse | null = null;
    const network = serveCheckout({
      pay: (body, call) => {
        if (call > 0) return body.quoteId === fresh?.quoteId ? { body: { ...placedFor(body), ...fresh } } : undefined;
        fresh = raised(quoteFor(body));
        return apiError(409, 'quote_changed', 'The total changed.', { quote: fresh });
      },
    });
    const user = userEvent.setup();
    renderCheckout();
    await user.click(await fillIn(fake));

    // Two books at $35.00 ($70.00), Standard $5.99, tax $7.60.
    const notice = await waitFor(() => alertWith('Your order changed'));
    expect(notice).toHaveTextContent(
      'Your order changed, so the total is now $83.59. Nothing was charged: check the order summary, then press Pay again.',
    );
    expect(notice).toHaveFocus();
    expect(summaryRow('Subtotal')).toHaveTextContent('$70.00');
    expect(summaryRow('Total')).toHaveTextContent('$83.59');
    expect(fake.elements.update).toHaveBeenLastCalledWith({ amount: 8359 });
    expect(fake.handleNextAction).not.toHaveBeenCalled();
    expect(location()).toHaveTextContent(/^\/checkout$/);
    const pay = screen.getByRole('button', { name: 'Pay $83.59' });
    expect(payable(pay)).toBe(true);

    await user.click(pay);

    await waitFor(() => expect(location()).toHaveTextContent(SUCCESS));
    expect(network.pays().map((body) => body.quoteId)).toEqual([quoteFor(network.pays()[0]!).quoteId, 'quote_raised']);
    // The quote came with Pay's answer: nothing was asked again.
    expect(network.quotes()).toHaveLength(2);
  });

  it('leaves payment details the Payment Element finds incomplete to the element, and asks the server nothing', async () => {
    const network = serveCheckout();
    fake.elements.submit.mockResolvedValueOnce({
      error: { type: 'validation_error', message: 'Your card number is incomplete.' },
    });
    const user = userEvent.setup();
    renderCheckout();

    await user.click(await fillIn(fake));

    await waitFor(() => expect(payable(screen.getByRole('button', { name: `Pay ${READY_TOTAL}` }))).toBe(true));
    expect(fake.createConfirmationToken).not.toHaveBeenCalled();
    expect(network.pays()).toEqual([]);
    expect(screen.queryByText('Your card number is incomplete.')).not.toBeInTheDocument();
  });

  it('says why when Stripe cannot make the ConfirmationToken, and sends nothing', async () => {
    const network = serveCheckout();
    fake.createConfirmationToken.mockResolvedValueOnce({
      error: { type: 'api_connection_error', message: 'We could not reach Stripe. Please try again.' },
    });
    const user = userEvent.setup();
    renderCheckout();

    await user.click(await fillIn(fake));

    expect(await screen.findByText('We could not reach Stripe. Please try again.')).toHaveFocus();
    expect(network.pays()).toEqual([]);
  });
});

describe('Pay refused', () => {
  const postalCodeRefused = apiError(400, 'invalid_address', 'Please check the shipping address.', [
    { field: 'shipping.address.postalCode', message: 'Not a postal code of United States (for example 94107).' },
  ]);

  it('moves focus to the refused field, and holds Pay until it changes', async () => {
    serveCheckout({ pay: () => postalCodeRefused });
    const user = userEvent.setup();
    renderCheckout();

    await user.click(await fillIn(fake));

    const shipping = screen.getByRole('region', { name: 'Shipping address' });
    await waitFor(() => expect(within(shipping).getByRole('alert')).toHaveFocus());
    expect(within(shipping).getByRole('alert')).toHaveTextContent('Postal code: Not a postal code');
    const pay = screen.getByRole('button', { name: /^Pay/ });
    expect(payable(pay)).toBe(false);
    expect(pay).toHaveAccessibleDescription('Check the details marked above, then pay.');
    expect(fake.handleNextAction).not.toHaveBeenCalled();
  });

  it('names each missing detail beside its section (missing_details), focusing the first', async () => {
    serveCheckout({
      pay: () =>
        apiError(400, 'missing_details', 'Some details are missing.', [
          { field: 'email', message: 'Enter an email address.' },
          { field: 'shipping', message: 'Enter a shipping address.' },
        ]),
    });
    const user = userEvent.setup();
    renderCheckout();

    await user.click(await fillIn(fake));

    const contact = within(screen.getByRole('region', { name: 'Contact' })).getByRole('alert');
    await waitFor(() => expect(contact).toHaveFocus());
    expect(contact).toHaveTextContent('Email: Enter an email address.');
    expect(within(screen.getByRole('region', { name: 'Shipping address' })).getByRole('alert')).toHaveTextContent(
      'Enter a shipping address.',
    );
  });

  it.each([
    ['another payment for the cart is under way', 409, 'payment_in_progress', 'This order is being paid in another tab or window. Wait a moment, then check it.'],
    ['the client holds too many copies', 429, 'hold_limit', 'You can hold at most 10 copies at a time across your unpaid orders.'],
    ['the connection failed', 0, 'network_error', "Can't reach the shop. Check your connection and try again."],
  ])("says so beside Pay when %s, and lets the shopper press it again", async (_case, status, code, message) => {
    serveCheckout({ pay: (_body, call) => (call > 0 ? undefined : status === 0 ? 'network-error' : apiError(status, code, message)) });
    const user = userEvent.setup();
    renderCheckout();

    await user.click(await fillIn(fake));

    const alert = await waitFor(() => alertWith(message));
    expect(alert).toHaveFocus();
    expect(within(alert).queryByRole('timer')).not.toBeInTheDocument();
    expect(fake.handleNextAction).not.toHaveBeenCalled();
    await user.click(screen.getByRole('button', { name: `Pay ${READY_TOTAL}` }));
    await waitFor(() => expect(location()).toHaveTextContent(SUCCESS));
  });

  it('starts a new cart when Pay finds this one already paid', async () => {
    serveCheckout({ pay: () => apiError(409, 'cart_already_paid', 'This cart has already been paid for.') });
    const user = userEvent.setup();
    renderCheckout();

    await user.click(await fillIn(fake));

    expect(await screen.findByText(/This cart has already been paid for, so there is nothing left to pay/)).toBeInTheDocument();
    await waitFor(() => expect(storedCart().items).toEqual([]));
    expect(storedCart().cartId).not.toBe(CART_ID);
  });
});

describe('while paying', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });

  async function readyToPay() {
    renderCheckout();
    await settle();
    giveDetails(fake);
    await elapse(DETAILS_DEBOUNCE_MS);
    const pay = screen.getByRole('button', { name: `Pay ${READY_TOTAL}` });
    expect(payable(pay)).toBe(true);
    return pay;
  }

  it('makes the whole form read-only and sends no quote, then unlocks and quotes what changed', async () => {
    let answer: (reply: Reply) => void = () => {};
    const network = serveCheckout({ pay: () => new Promise<Reply>((resolve) => (answer = resolve)) });
    const pay = await readyToPay();
    const form = screen.getByRole('form', { name: 'Checkout' });
    const radios = within(screen.getByRole('group', { name: 'Delivery method' })).getAllByRole('radio');

    fireEvent.click(pay);
    await settle();

    expect(network.pays()).toHaveLength(1);
    expect(payButton()).toHaveTextContent('Processing…');
    expect(payable(payButton())).toBe(false);
    expect(form).toHaveAttribute('aria-busy', 'true');
    expect(fake.paymentElement().update).toHaveBeenLastCalledWith({ readOnly: true });
    // Stripe's email and address Elements have no read-only option: their frames are inert.
    for (const name of ['Contact', 'Shipping address']) {
      expect(screen.getByRole('region', { name }).querySelector('[inert]')).not.toBeNull();
    }
    for (const radio of radios) expect(radio).toBeDisabled();

    // Something changes meanwhile (the email, say): no quote goes out while paying.
    const quotesBefore = network.quotes().length;
    act(() => fake.typeEmail('grace@example.com'));
    await elapse(DETAILS_DEBOUNCE_MS * 3);
    expect(network.quotes()).toHaveLength(quotesBefore);
    // Pressing again sends nothing either.
    fireEvent.click(payButton());
    await settle();
    expect(network.pays()).toHaveLength(1);

    act(() => answer(DECLINED));
    await settle();

    expect(screen.getByText('Your card was declined.')).toBeInTheDocument();
    expect(form).toHaveAttribute('aria-busy', 'false');
    expect(fake.paymentElement().update).toHaveBeenLastCalledWith({ readOnly: false });
    expect(document.querySelector('[inert]')).toBeNull();
    for (const radio of radios) expect(radio).toBeEnabled();
    expect(network.quotes()).toHaveLength(quotesBefore + 1);
    expect(network.quotes().at(-1)?.email).toBe('grace@example.com');
  });

  it('counts down a 503’s Retry-After beside Pay, then pays once more by itself with a new token', async () => {
    const busy: Reply = {
      ...apiError(503, 'payment_provider_unavailable', "We couldn't reach our payment provider. Please try again."),
      headers: { 'Retry-After': '2' },
    };
    const network = serveCheckout({ pay: () => busy });
    fireEvent.click(await readyToPay());
    await settle();

    const alert = alertWith("We couldn't reach our payment provider.");
    expect(within(alert).getByRole('timer')).toHaveTextContent('Trying again in 2 seconds…');
    expect(network.pays()).toHaveLength(1);

    await elapse(2000);

    expect(network.pays().map((body) => body.confirmationToken)).toEqual(['ctoken_test_1', 'ctoken_test_2']);
    // Still busy: said again, and now it is the shopper's turn.
    const again = alertWith("We couldn't reach our payment provider.");
    expect(within(again).queryByRole('timer')).not.toBeInTheDocument();
    await elapse(60_000);
    expect(network.pays()).toHaveLength(2);
  });
});
