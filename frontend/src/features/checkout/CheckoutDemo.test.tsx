/**
 * The whole purchase in demo mode through the real <Elements>, <LinkAuthenticationElement>,
 * <AddressElement> and <PaymentElement> from @stripe/react-stripe-js, driven by the local
 * Stripe.js stand-in.
 */
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { CreatePaymentIntentBody, OrderView } from '../../lib/api';
import { mockFetch, type RecordedRequest } from '../../testing/fetchMock';
import { CART_ID, books, demoConfig, order, quoteFor, storeCart, storedCart } from '../../testing/fixtures';
import { payable } from '../../testing/payable';
import { renderApp } from '../../app/testing';
import { leavePage } from './demo/navigation';

vi.mock('./demo/navigation', () => ({ leavePage: vi.fn() }));

const SECRET = 'pi_test_1_secret_abc';

function demoIntent(status: string, extra: object = {}) {
  return {
    id: 'pi_test_1',
    object: 'payment_intent',
    amount: 8249,
    amount_received: status === 'succeeded' ? 8249 : 0,
    currency: 'usd',
    status,
    metadata: {},
    created: 1795000000,
    livemode: false,
    client_secret: SECRET,
    last_payment_error: null,
    next_action: null,
    ...extra,
  };
}

/** The order as the server has it once paid for with these details (Express, to Ada). */
const paidOrder = (overrides: Partial<OrderView> = {}) =>
  order({
    amount: 8249,
    subtotal: 6000,
    shippingAmount: 1499,
    taxAmount: 750,
    email: 'ada@example.com',
    shipping: {
      name: 'Ada Lovelace',
      line1: '354 Oyster Point Blvd',
      line2: null,
      city: 'South San Francisco',
      state: 'CA',
      postalCode: '94080',
      country: 'US',
      phone: null,
    },
    delivery: { method: 'express', label: 'Express', amount: 1499, minDays: 1, maxDays: 2 },
    paymentMethod: 'Visa •••• 4242',
    ...overrides,
  });

function serveDemoShop(confirmOutcome: (body: Record<string, unknown>) => object, placed: OrderView = paidOrder()) {
  return mockFetch([
    { path: '/config', reply: { body: demoConfig } },
    { path: '/api/books', reply: { body: { books } } },
    {
      method: 'POST',
      path: '/create-payment-intent',
      reply: (request: RecordedRequest) => ({ body: quoteFor(request.body as CreatePaymentIntentBody) }),
    },
    {
      method: 'POST',
      path: '/demo/payment_intents/pi_test_1/confirm',
      reply: (request: RecordedRequest) => ({ body: confirmOutcome(request.body as Record<string, unknown>) }),
    },
    { path: '/api/orders/pi_test_1', reply: { body: placed } },
  ]);
}

type User = ReturnType<typeof userEvent.setup>;

/** Puts `text` into the field labelled `label` as one input (pasted or autofilled). */
async function fill(user: User, label: string, text: string) {
  // The first test waits for the stand-in's module to load.
  await user.click(await screen.findByLabelText(label, {}, { timeout: 5000 }));
  await user.paste(text);
}

/** Contact, address and Express delivery, into the stand-in's fields as a shopper would. */
async function giveDetails(user: User) {
  await fill(user, 'Email', 'ada@example.com');
  await fill(user, 'Full name', 'Ada Lovelace');
  await fill(user, 'Address line 1', '354 Oyster Point Blvd');
  await fill(user, 'City', 'South San Francisco');
  await fill(user, 'State', 'CA');
  await fill(user, 'ZIP code', '94080');
  await user.click(await screen.findByRole('radio', { name: /^Express/ }));
}

async function pay(user: User) {
  const button = await screen.findByRole('button', { name: 'Pay $82.49' });
  await waitFor(() => expect(payable(button)).toBe(true));
  await user.click(button);
}

async function payByCard(user: User, number: string) {
  await fill(user, 'Card number', number);
  await fill(user, 'Expiration date', '1240');
  await fill(user, 'Security code', '123');
  await pay(user);
}

beforeEach(() => {
  vi.mocked(leavePage).mockReset();
  storeCart([{ id: 'the-dream-machine', quantity: 2 }]);
});

// Whole purchases through the lazily loaded stand-in: slower than a unit test.
describe('checkout in demo mode', { timeout: 20_000 }, () => {
  it('buys with email, address and Express by card, and the confirmation shows them all', async () => {
    const network = serveDemoShop(() => demoIntent('succeeded'));
    const user = userEvent.setup();
    renderApp('/checkout');

    await giveDetails(user);
    await payByCard(user, '4242424242424242');

    expect(await screen.findByRole('heading', { name: 'Thank you for your order' })).toBeInTheDocument();
    const details = screen.getByRole('region', { name: 'Order details' });
    expect(details).toHaveTextContent('ada@example.com');
    expect(details).toHaveTextContent('Ada Lovelace354 Oyster Point BlvdSouth San Francisco, CA 94080United States');
    expect(details).toHaveTextContent('Express: arrives in 1–2 business days');
    expect(details).toHaveTextContent('Visa •••• 4242');
    expect(screen.getByTestId('location')).toHaveTextContent(
      `/success?payment_intent=pi_test_1&payment_intent_client_secret=${SECRET}`,
    );
    await waitFor(() => expect(screen.getByRole('button', { name: 'Cart (0 items)' })).toBeInTheDocument());
    expect(storedCart().cartId).not.toBe(CART_ID);
    const confirmed = network.callsTo('/demo/payment_intents/pi_test_1/confirm')[0]?.body;
    expect(confirmed).toEqual({
      client_secret: SECRET,
      card: { number: '4242424242424242', exp_month: 12, exp_year: 2040, cvc: '123' },
    });
    // The address went to the server with the cart, never to confirmPayment.
    expect(network.callsTo('/create-payment-intent').at(-1)?.body).toMatchObject({
      email: 'ada@example.com',
      deliveryMethod: 'express',
      shipping: { name: 'Ada Lovelace', address: { postalCode: '94080', country: 'US' } },
    });
    expect(document.querySelector('script[src*="js.stripe.com"]')).toBeNull();
  });

  it('shows a decline next to the pay button and keeps the shopper on checkout to try again', async () => {
    serveDemoShop(({ card }) =>
      (card as { number: string }).number === '4000000000000002'
        ? demoIntent('requires_payment_method', {
            last_payment_error: {
              type: 'card_error',
              code: 'card_declined',
              decline_code: 'generic_decline',
              message: 'Your card was declined.',
            },
          })
        : demoIntent('succeeded'),
    );
    const user = userEvent.setup();
    renderApp('/checkout');
    await giveDetails(user);

    await payByCard(user, '4000000000000002');

    expect(await screen.findByText('Your card was declined.')).toHaveAttribute('role', 'alert');
    expect(screen.getByTestId('location')).toHaveTextContent(/^\/checkout$/);
    expect(storedCart().items).toEqual([{ id: 'the-dream-machine', quantity: 2 }]);

    await user.clear(screen.getByLabelText('Card number'));
    await user.paste('4242424242424242');
    await pay(user);

    expect(await screen.findByRole('heading', { name: 'Thank you for your order' })).toBeInTheDocument();
  });

  it('pays by bank redirect: sends the return_url and leaves for the demo bank', async () => {
    const bankUrl = `/demo/bank/pi_test_1?client_secret=${SECRET}`;
    const network = serveDemoShop(() =>
      demoIntent('requires_action', {
        next_action: {
          type: 'redirect_to_url',
          redirect_to_url: { url: bankUrl, return_url: `${window.location.origin}/success` },
        },
      }),
    );
    const user = userEvent.setup();
    renderApp('/checkout');
    await giveDetails(user);

    await user.click(screen.getByRole('radio', { name: 'Bank redirect (demo bank)' }));
    await pay(user);

    await waitFor(() => expect(leavePage).toHaveBeenCalledWith(bankUrl));
    expect(network.callsTo('/demo/payment_intents/pi_test_1/confirm')[0]?.body).toEqual({
      client_secret: SECRET,
      bank_redirect: {},
      return_url: `${window.location.origin}/success`,
    });
    expect(payable(screen.getByRole('button', { name: 'Processing…' }))).toBe(false);
  });

  it('pays by SEPA debit: processing, the bank confirms later, the cart is emptied meanwhile', async () => {
    const network = serveDemoShop(
      () => demoIntent('processing'),
      paidOrder({ status: 'pending', paymentStatus: 'processing', paidAt: null, paymentMethod: 'SEPA Direct Debit •••• 3000' }),
    );
    const user = userEvent.setup();
    renderApp('/checkout');
    await giveDetails(user);

    await user.click(screen.getByRole('radio', { name: 'SEPA Direct Debit' }));
    await fill(user, 'IBAN', 'DE89370400440532013000');
    await pay(user);

    expect(await screen.findByRole('heading', { name: 'Your payment is processing' })).toBeInTheDocument();
    expect(
      screen.getByText(
        "Your bank is confirming the payment; this page updates when it does, and we'll email you a receipt.",
      ),
    ).toBeInTheDocument();
    expect(within(screen.getByRole('region', { name: 'Order details' })).getByText('SEPA Direct Debit •••• 3000')).toBeInTheDocument();
    await waitFor(() => expect(storedCart().items).toEqual([]));
    expect(network.callsTo('/demo/payment_intents/pi_test_1/confirm')[0]?.body).toEqual({
      client_secret: SECRET,
      sepa_debit: { iban: 'DE89370400440532013000' },
    });
  });
});
