/**
 * The whole purchase in demo mode through the real <Elements>, <LinkAuthenticationElement>,
 * <AddressElement> and <PaymentElement> from @stripe/react-stripe-js, driven by the local
 * Stripe.js stand-in in deferred mode: a ConfirmationToken from /demo/confirmation_tokens,
 * the server confirming at Pay, and handleNextAction for 3-D Secure and the bank's page.
 */
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { OrderView, PaymentIntentResponse } from '../../lib/api';
import { serveCheckout } from '../../testing/checkoutServer';
import { apiError, type HttpReply, type RecordedRequest } from '../../testing/fetchMock';
import { CART_ID, CLIENT_SECRET, order, PAYMENT_INTENT_ID, placedFor, storeCart, storedCart } from '../../testing/fixtures';
import { payable } from '../../testing/payable';
import { renderApp } from '../../app/testing';
import { leavePage } from '../../stripe-demo/navigation';

vi.mock('../../stripe-demo/navigation', () => ({ leavePage: vi.fn() }));

const RETURN_URL = `${window.location.origin}/success`;
const DECLINED_CARD = '4000000000000002';
const THREE_D_SECURE_CARD = '4000002760003184';

function demoIntent(status: string, extra: object = {}) {
  return {
    id: PAYMENT_INTENT_ID,
    object: 'payment_intent',
    amount: 8249,
    amount_received: status === 'succeeded' ? 8249 : 0,
    currency: 'usd',
    status,
    metadata: {},
    created: 1795000000,
    livemode: false,
    client_secret: CLIENT_SECRET,
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

type Method = { card?: { number: string } } & Record<string, unknown>;

/**
 * The demo shop: each ConfirmationToken remembers the payment details it was made from, and
 * Pay answers by them (`outcome`), as the demo gateway does; `intent` is the PaymentIntent
 * Stripe.js reads back for its next action.
 */
function serveDemoShop(
  outcome: (method: Method) => HttpReply | PaymentIntentResponse['status'],
  { intent = demoIntent('succeeded'), placed = paidOrder() }: { intent?: object; placed?: OrderView } = {},
) {
  const tokens = new Map<string, Method>();
  return serveCheckout({
    pay: (body) => {
      const method = tokens.get(body.confirmationToken ?? '');
      if (!method) return apiError(400, 'invalid_confirmation_token', 'No such ConfirmationToken.');
      const said = outcome(method);
      return typeof said === 'string' ? { body: placedFor(body, { status: said }) } : said;
    },
    routes: [
      {
        method: 'POST',
        path: '/demo/confirmation_tokens',
        reply: (request: RecordedRequest) => {
          const id = `ctoken_demo_${tokens.size + 1}`;
          tokens.set(id, request.body as Method);
          return { body: { id, object: 'confirmation_token', payment_method_preview: { type: 'card' }, expires_at: 1795000000, livemode: false } };
        },
      },
      { path: `/demo/payment_intents/${PAYMENT_INTENT_ID}`, reply: { body: intent } },
      {
        method: 'POST',
        path: `/demo/payment_intents/${PAYMENT_INTENT_ID}/authenticate`,
        reply: (request: RecordedRequest) => ({
          body: (request.body as { approve: boolean }).approve
            ? demoIntent('succeeded')
            : demoIntent('requires_payment_method', {
                last_payment_error: {
                  type: 'card_error',
                  code: 'payment_intent_authentication_failure',
                  message: 'We are unable to authenticate your payment method.',
                },
              }),
        }),
      },
      { path: `/api/orders/${PAYMENT_INTENT_ID}`, reply: { body: placed } },
    ],
  });
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

const byCard = ({ card }: Method): PaymentIntentResponse['status'] | HttpReply => {
  if (card?.number === DECLINED_CARD) return apiError(402, 'card_declined', 'Your card was declined.');
  return card?.number === THREE_D_SECURE_CARD ? 'requires_action' : 'succeeded';
};

beforeEach(() => {
  vi.mocked(leavePage).mockReset();
  storeCart([{ id: 'the-dream-machine', quantity: 2 }]);
});

// Whole purchases through the lazily loaded stand-in: slower than a unit test.
describe('checkout in demo mode', { timeout: 20_000 }, () => {
  it('buys with email, address and Express by card, and the confirmation shows them all', async () => {
    const network = serveDemoShop(byCard);
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
      `/success?payment_intent=${PAYMENT_INTENT_ID}&payment_intent_client_secret=${CLIENT_SECRET}`,
    );
    await waitFor(() => expect(screen.getByRole('button', { name: 'Cart (0 items)' })).toBeInTheDocument());
    expect(storedCart().cartId).not.toBe(CART_ID);
    expect(network.callsTo('/demo/confirmation_tokens').map((call) => call.body)).toEqual([
      { card: { number: '4242424242424242', exp_month: 12, exp_year: 2040, cvc: '123' }, return_url: RETURN_URL },
    ]);
    // The address went to the server with the cart and the token, never into the token.
    expect(network.pays()).toEqual([
      expect.objectContaining({
        email: 'ada@example.com',
        deliveryMethod: 'express',
        shipping: expect.objectContaining({ name: 'Ada Lovelace' }) as unknown,
        confirmationToken: 'ctoken_demo_1',
        returnUrl: RETURN_URL,
      }),
    ]);
    // The server confirmed; the browser never did.
    expect(network.callsTo(`/demo/payment_intents/${PAYMENT_INTENT_ID}/confirm`)).toEqual([]);
    expect(document.querySelector('script[src*="js.stripe.com"]')).toBeNull();
  });

  it('shows a decline next to the pay button and keeps the shopper on checkout to pay with another card', async () => {
    const network = serveDemoShop(byCard);
    const user = userEvent.setup();
    renderApp('/checkout');
    await giveDetails(user);

    await payByCard(user, DECLINED_CARD);

    expect(await screen.findByText('Your card was declined.')).toHaveAttribute('role', 'alert');
    expect(screen.getByTestId('location')).toHaveTextContent(/^\/checkout$/);
    expect(storedCart().items).toEqual([{ id: 'the-dream-machine', quantity: 2 }]);

    await user.clear(screen.getByLabelText('Card number'));
    await user.paste('4242424242424242');
    await pay(user);

    expect(await screen.findByRole('heading', { name: 'Thank you for your order' })).toBeInTheDocument();
    expect(network.pays().map((body) => [body.cartId, body.confirmationToken])).toEqual([
      [CART_ID, 'ctoken_demo_1'],
      [CART_ID, 'ctoken_demo_2'],
    ]);
  });

  it('asks for 3-D Secure in the demo bank’s dialog when the server says so, then shows the receipt', async () => {
    const network = serveDemoShop(byCard, {
      intent: demoIntent('requires_action', { next_action: { type: 'demo_authenticate' } }),
    });
    const user = userEvent.setup();
    renderApp('/checkout');
    await giveDetails(user);

    await payByCard(user, THREE_D_SECURE_CARD);

    const dialog = await screen.findByRole('dialog', { name: 'Authenticate payment' });
    expect(screen.getByRole('button', { name: 'Processing…' })).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Complete authentication' }));

    expect(await screen.findByRole('heading', { name: 'Thank you for your order' })).toBeInTheDocument();
    expect(network.callsTo(`/demo/payment_intents/${PAYMENT_INTENT_ID}/authenticate`)[0]?.body).toEqual({
      client_secret: CLIENT_SECRET,
      approve: true,
    });
  });

  it('pays by bank redirect: the token carries the return_url, and handleNextAction leaves for the demo bank', async () => {
    const bankUrl = `/demo/bank/${PAYMENT_INTENT_ID}?client_secret=${CLIENT_SECRET}`;
    const network = serveDemoShop(() => 'requires_action', {
      intent: demoIntent('requires_action', {
        next_action: { type: 'redirect_to_url', redirect_to_url: { url: bankUrl, return_url: RETURN_URL } },
      }),
    });
    const user = userEvent.setup();
    renderApp('/checkout');
    await giveDetails(user);

    await user.click(screen.getByRole('radio', { name: 'Bank redirect (demo bank)' }));
    await pay(user);

    await waitFor(() => expect(leavePage).toHaveBeenCalledWith(bankUrl));
    expect(network.callsTo('/demo/confirmation_tokens')[0]?.body).toEqual({ bank_redirect: {}, return_url: RETURN_URL });
    expect(payable(screen.getByRole('button', { name: 'Processing…' }))).toBe(false);
  });

  it('pays by SEPA debit: processing, the bank confirms later, the cart is emptied meanwhile', async () => {
    const network = serveDemoShop(() => 'processing', {
      placed: paidOrder({
        status: 'pending',
        paymentStatus: 'processing',
        paidAt: null,
        paymentMethod: 'SEPA Direct Debit •••• 3000',
      }),
    });
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
    expect(network.callsTo('/demo/confirmation_tokens')[0]?.body).toEqual({
      sepa_debit: { iban: 'DE89370400440532013000' },
      return_url: RETURN_URL,
    });
  });
});
