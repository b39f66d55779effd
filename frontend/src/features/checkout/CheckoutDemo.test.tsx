/**
 * The whole purchase in demo mode through the real <Elements>/<PaymentElement> from
 * @stripe/react-stripe-js, driven by the local Stripe.js stand-in.
 */
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { mockFetch, type RecordedRequest } from '../../testing/fetchMock';
import { CART_ID, books, demoConfig, intentFor, order, storeCart, storedCart } from '../../testing/fixtures';
import { renderApp } from '../../app/testing';

const SECRET = 'pi_test_1_secret_abc';

function demoIntent(status: string, lastPaymentError: object | null = null) {
  return {
    id: 'pi_test_1',
    object: 'payment_intent',
    amount: 6000,
    currency: 'usd',
    status,
    client_secret: SECRET,
    last_payment_error: lastPaymentError,
    next_action: null,
  };
}

function serveDemoShop(cardOutcome: (card: { number: string }) => object) {
  return mockFetch([
    { path: '/config', reply: { body: demoConfig } },
    { path: '/api/books', reply: { body: { books } } },
    {
      method: 'POST',
      path: '/create-payment-intent',
      reply: (request: RecordedRequest) => ({
        body: intentFor((request.body as { items: { id: string; quantity: number }[] }).items),
      }),
    },
    {
      method: 'POST',
      path: '/demo/payment_intents/pi_test_1/confirm',
      reply: (request: RecordedRequest) => ({
        body: cardOutcome((request.body as { card: { number: string } }).card),
      }),
    },
    { path: '/api/orders/pi_test_1', reply: { body: order() } },
  ]);
}

async function payWith(user: ReturnType<typeof userEvent.setup>, number: string) {
  await user.type(await screen.findByLabelText('Card number'), number);
  await user.type(screen.getByLabelText('Expiration date'), '1240');
  await user.type(screen.getByLabelText('Security code'), '123');
  const pay = screen.getByRole('button', { name: 'Pay $60.00' });
  await waitFor(() => expect(pay).toBeEnabled());
  await user.click(pay);
}

describe('checkout in demo mode', () => {
  it('pays with the test card, lands on the thank-you page and empties the cart', async () => {
    const network = serveDemoShop(() => demoIntent('succeeded'));
    storeCart([{ id: 'the-dream-machine', quantity: 2 }]);
    const user = userEvent.setup();
    renderApp('/checkout');

    await payWith(user, '4242424242424242');

    expect(await screen.findByRole('heading', { name: 'Thank you for your order' })).toBeInTheDocument();
    expect(screen.getByTestId('location')).toHaveTextContent(
      `/success?payment_intent=pi_test_1&payment_intent_client_secret=${SECRET}`,
    );
    await waitFor(() => expect(screen.getByRole('button', { name: 'Cart (0 items)' })).toBeInTheDocument());
    expect(storedCart().cartId).not.toBe(CART_ID);
    expect(network.callsTo('/demo/payment_intents/pi_test_1/confirm')[0]?.body).toMatchObject({
      client_secret: SECRET,
      card: { number: '4242424242424242', exp_month: 12, exp_year: 2040, cvc: '123' },
    });
    // Demo mode never asks for Stripe.js.
    expect(document.querySelector('script[src*="js.stripe.com"]')).toBeNull();
  });

  it('shows a decline next to the form and keeps the shopper on checkout to try again', async () => {
    serveDemoShop(({ number }) =>
      number === '4000000000000002'
        ? demoIntent('requires_payment_method', {
            type: 'card_error',
            code: 'card_declined',
            decline_code: 'generic_decline',
            message: 'Your card was declined.',
          })
        : demoIntent('succeeded'),
    );
    storeCart([{ id: 'the-dream-machine', quantity: 2 }]);
    const user = userEvent.setup();
    renderApp('/checkout');

    await payWith(user, '4000000000000002');

    const form = screen.getByRole('form', { name: 'Payment' });
    expect(await within(form).findByRole('alert')).toHaveTextContent('Your card was declined.');
    expect(screen.getByTestId('location')).toHaveTextContent(/^\/checkout$/);
    expect(storedCart().items).toEqual([{ id: 'the-dream-machine', quantity: 2 }]);

    const number = screen.getByLabelText('Card number');
    await user.clear(number);
    await user.type(number, '4242424242424242');
    await user.click(screen.getByRole('button', { name: 'Pay $60.00' }));

    expect(await screen.findByRole('heading', { name: 'Thank you for your order' })).toBeInTheDocument();
  });
});
