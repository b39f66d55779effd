import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { StripeElements } from '@stripe/stripe-js';
import { describe, expect, it, vi } from 'vitest';
import type { DemoPaymentIntent } from '../lib/api';
import { apiError, mockFetch, type Reply } from '../testing/fetchMock';
import { createDemoStripe, paymentIntentIdFrom } from './demoStripe';
import { IntegrationError } from './results';

const SECRET = 'pi_demo_1_secret_xyz';
const NOW = new Date(2026, 10, 27);

function intent(overrides: Partial<DemoPaymentIntent> = {}): DemoPaymentIntent {
  return {
    id: 'pi_demo_1',
    object: 'payment_intent',
    amount: 6000,
    amount_received: 6000,
    currency: 'usd',
    status: 'succeeded',
    metadata: {},
    created: 1795000000,
    livemode: false,
    client_secret: SECRET,
    last_payment_error: null,
    next_action: null,
    ...overrides,
  };
}

const declined = (decline_code: string, message: string) =>
  intent({
    status: 'requires_payment_method',
    last_payment_error: { type: 'card_error', code: 'card_declined', decline_code, message },
  });

function serve(confirm: Reply, authenticate?: (approve: boolean) => Reply) {
  return mockFetch([
    { method: 'POST', path: '/demo/payment_intents/pi_demo_1/confirm', reply: confirm },
    {
      method: 'POST',
      path: '/demo/payment_intents/pi_demo_1/authenticate',
      reply: (request) => {
        if (!authenticate) throw new Error('authentication was not expected');
        return authenticate((request.body as { approve: boolean }).approve);
      },
    },
    { path: '/demo/payment_intents/pi_demo_1', reply: { body: intent() } },
  ]);
}

function mountForm(options: Parameters<typeof createDemoStripe>[0] = {}) {
  const stripe = createDemoStripe({ now: () => NOW, ...options });
  const elements = stripe.elements({ clientSecret: SECRET });
  const element = elements.create('payment');
  const container = document.createElement('div');
  document.body.append(container);
  const onChange = vi.fn();
  const onReady = vi.fn();
  element.on('change', onChange);
  element.on('ready', onReady);
  element.mount(container);
  return { stripe, elements, element, onChange, onReady, user: userEvent.setup() };
}

async function fillCard(
  user: ReturnType<typeof userEvent.setup>,
  number: string,
  expiry = '1230',
  cvc = '123',
) {
  await user.type(screen.getByLabelText('Card number'), number);
  await user.type(screen.getByLabelText('Expiration date'), expiry);
  await user.type(screen.getByLabelText('Security code'), cvc);
}

function confirm(stripe: ReturnType<typeof createDemoStripe>, elements: StripeElements) {
  return stripe.confirmPayment({
    elements,
    confirmParams: { return_url: 'http://localhost:3000/success' },
    redirect: 'if_required',
  });
}

describe('demo payment element', () => {
  it('renders labelled card fields that format as the shopper types, and reports ready and complete', async () => {
    const { user, onChange, onReady } = mountForm();

    expect(screen.getByLabelText('Expiration date')).toHaveAttribute('placeholder', 'MM / YY');
    expect(screen.getByLabelText('Security code')).toHaveAttribute('placeholder', 'CVC');
    await waitFor(() => expect(onReady).toHaveBeenCalled());

    await fillCard(user, '4242424242424242', '1230', '123');

    expect(screen.getByLabelText('Card number')).toHaveValue('4242 4242 4242 4242');
    expect(screen.getByLabelText('Expiration date')).toHaveValue('12 / 30');
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ complete: true, empty: false }));
  });

  it('can be filled from the keyboard, field by field with Tab', async () => {
    const { user, onChange } = mountForm();

    screen.getByLabelText('Card number').focus();
    await user.keyboard('4242424242424242');
    await user.tab();
    await user.keyboard('1234');
    await user.tab();
    await user.keyboard('123');

    expect(screen.getByLabelText('Card number')).toHaveValue('4242 4242 4242 4242');
    expect(screen.getByLabelText('Expiration date')).toHaveValue('12 / 34');
    expect(screen.getByLabelText('Security code')).toHaveValue('123');
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ complete: true }));
  });

  it('shows Stripe-style inline errors for a bad number, a past date and an unfinished code', async () => {
    const { user, onChange } = mountForm();

    await user.type(screen.getByLabelText('Card number'), '4242424242424241');
    expect(screen.getByText('Your card number is invalid.')).toBeInTheDocument();
    expect(screen.getByLabelText('Card number')).toHaveAttribute('aria-invalid', 'true');
    expect(onChange).toHaveBeenLastCalledWith(
      expect.objectContaining({
        complete: false,
        error: expect.objectContaining({ message: 'Your card number is invalid.' }) as unknown,
      }),
    );

    await user.type(screen.getByLabelText('Expiration date'), '0120');
    expect(screen.getByText("Your card's expiration date is in the past.")).toBeInTheDocument();

    await user.type(screen.getByLabelText('Security code'), '12');
    await user.tab();
    expect(screen.getByText("Your card's security code is incomplete.")).toBeInTheDocument();
  });

  it('refuses to confirm an incomplete card without calling the server', async () => {
    const network = serve({ body: intent() });
    const { stripe, elements, user } = mountForm();
    await user.type(screen.getByLabelText('Card number'), '4242');

    const result = await confirm(stripe, elements);

    expect(result.error).toMatchObject({ type: 'validation_error', message: 'Your card number is incomplete.' });
    expect(screen.getByText('Your card number is incomplete.')).toBeInTheDocument();
    expect(network.calls).toHaveLength(0);
  });

  it('confirms a good card with the server and resolves with the PaymentIntent', async () => {
    const network = serve({ body: intent() });
    const { stripe, elements, user } = mountForm();
    await fillCard(user, '4242424242424242', '1230', '123');

    const result = await confirm(stripe, elements);

    expect(result.paymentIntent).toMatchObject({ id: 'pi_demo_1', status: 'succeeded' });
    expect(network.calls[0]?.body).toEqual({
      client_secret: SECRET,
      card: { number: '4242424242424242', exp_month: 12, exp_year: 2030, cvc: '123' },
    });
  });

  it.each([
    ['4000000000000002', 'generic_decline', 'Your card was declined.'],
    ['4000000000009995', 'insufficient_funds', 'Your card has insufficient funds.'],
  ])('maps a declined card (%s) to a card_error', async (number, declineCode, message) => {
    serve({ body: declined(declineCode, message) });
    const { stripe, elements, user } = mountForm();
    await fillCard(user, number);

    const result = await confirm(stripe, elements);

    expect(result.paymentIntent).toBeUndefined();
    expect(result.error).toMatchObject({
      type: 'card_error',
      code: 'card_declined',
      decline_code: declineCode,
      message,
      payment_intent: expect.objectContaining({ status: 'requires_payment_method' }) as unknown,
    });
  });

  it('maps a 402 card error from the server the same way', async () => {
    serve(apiError(402, 'incorrect_number', 'Your card number is incorrect.'));
    const { stripe, elements, user } = mountForm();
    await fillCard(user, '4242424242424242');

    const result = await confirm(stripe, elements);

    expect(result.error).toMatchObject({ type: 'card_error', code: 'incorrect_number', message: 'Your card number is incorrect.' });
  });

  it('asks for authentication and succeeds when the shopper completes it', async () => {
    const network = serve(
      { body: intent({ status: 'requires_action', next_action: { type: 'demo_authenticate' } }) },
      (approve) => ({ body: approve ? intent() : intent({ status: 'requires_payment_method' }) }),
    );
    const { stripe, elements, user } = mountForm();
    await fillCard(user, '4000002500003155');

    const pending = confirm(stripe, elements);
    const dialog = await screen.findByRole('dialog', { name: 'Authenticate payment' });
    expect(within(dialog).getByText('Demo bank: authentication')).toBeInTheDocument();
    expect(within(dialog).getByText(/\$60\.00/)).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Complete authentication' }));

    const result = await pending;
    expect(result.paymentIntent).toMatchObject({ status: 'succeeded' });
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(network.callsTo('/demo/payment_intents/pi_demo_1/authenticate')[0]?.body).toEqual({
      client_secret: SECRET,
      approve: true,
    });
  });

  it('returns an authentication error when the shopper fails it', async () => {
    const failure = 'We are unable to authenticate your payment method. Please choose a different payment method and try again.';
    serve({ body: intent({ status: 'requires_action', next_action: { type: 'demo_authenticate' } }) }, () => ({
      body: intent({
        status: 'requires_payment_method',
        last_payment_error: {
          type: 'card_error',
          code: 'payment_intent_authentication_failure',
          decline_code: null,
          message: failure,
        },
      }),
    }));
    const { stripe, elements, user } = mountForm();
    await fillCard(user, '4000002500003155');

    const pending = confirm(stripe, elements);
    await user.click(await screen.findByRole('button', { name: 'Fail authentication' }));

    expect((await pending).error).toMatchObject({
      type: 'card_error',
      code: 'payment_intent_authentication_failure',
      message: failure,
    });
  });

  it('navigates to the return_url like Stripe when redirect is not if_required', async () => {
    serve({ body: intent() });
    const navigate = vi.fn();
    const { stripe, elements, user } = mountForm({ navigate });
    await fillCard(user, '4242424242424242');

    void stripe.confirmPayment({ elements, confirmParams: { return_url: 'http://localhost:3000/success' } });

    await waitFor(() => expect(navigate).toHaveBeenCalledTimes(1));
    const url = new URL(navigate.mock.calls[0]![0] as string);
    expect(url.pathname).toBe('/success');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      payment_intent: 'pi_demo_1',
      payment_intent_client_secret: SECRET,
      redirect_status: 'succeeded',
    });
  });

  it('offers card, the demo bank and SEPA Direct Debit, and reports the method chosen', async () => {
    const { onChange, user } = mountForm();

    const methods = screen.getByRole('group', { name: 'Payment method' });
    expect(within(methods).getAllByRole('radio').map((radio) => radio.getAttribute('value'))).toEqual([
      'card',
      'bank_redirect',
      'sepa_debit',
    ]);
    expect(within(methods).getByRole('radio', { name: 'Card' })).toBeChecked();

    await user.click(within(methods).getByRole('radio', { name: 'SEPA Direct Debit' }));

    expect(screen.queryByRole('textbox', { name: 'Card number' })).not.toBeInTheDocument();
    expect(screen.getByRole('textbox', { name: 'IBAN' })).toBeInTheDocument();
    expect(screen.getByText('DE89 3704 0044 0532 0130 00')).toBeInTheDocument();
    expect(screen.getByText('DE62 3704 0044 0532 0130 01')).toBeInTheDocument();
    expect(onChange).toHaveBeenLastCalledWith(
      expect.objectContaining({ elementType: 'payment', complete: false, value: { type: 'sepa_debit' } }),
    );

    await user.click(within(methods).getByRole('radio', { name: 'Bank redirect (demo bank)' }));
    expect(onChange).toHaveBeenLastCalledWith(
      expect.objectContaining({ complete: true, value: { type: 'bank_redirect' } }),
    );
  });

  it('sends a bank redirect with its return_url, then leaves for the bank’s page as Stripe.js does', async () => {
    const bankUrl = `/demo/bank/pi_demo_1?client_secret=${SECRET}`;
    const network = serve({
      body: intent({
        status: 'requires_action',
        next_action: {
          type: 'redirect_to_url',
          redirect_to_url: { url: bankUrl, return_url: 'http://localhost:3000/success' },
        },
      }),
    });
    const navigate = vi.fn();
    const { stripe, elements, user } = mountForm({ navigate });
    await user.click(screen.getByRole('radio', { name: 'Bank redirect (demo bank)' }));

    let settled = false;
    void confirm(stripe, elements).finally(() => (settled = true));

    await waitFor(() => expect(navigate).toHaveBeenCalledWith(bankUrl));
    expect(network.calls[0]?.body).toEqual({
      client_secret: SECRET,
      bank_redirect: {},
      return_url: 'http://localhost:3000/success',
    });
    // The page is leaving: the promise never settles, and the form stays disabled.
    await Promise.resolve();
    expect(settled).toBe(false);
    expect(screen.getByRole('radio', { name: 'Bank redirect (demo bank)' })).toBeDisabled();
  });

  it('refuses a bank redirect without a return_url, even with redirect if_required', async () => {
    const network = serve({ body: intent() });
    const { stripe, elements, user } = mountForm();
    await user.click(screen.getByRole('radio', { name: 'Bank redirect (demo bank)' }));

    const result = await stripe.confirmPayment({ elements, redirect: 'if_required' });

    expect(result.error).toMatchObject({ type: 'invalid_request_error', message: 'A return_url is required to confirm.' });
    expect(network.calls).toHaveLength(0);
  });

  it('submits a SEPA debit and resolves with the PaymentIntent processing', async () => {
    const network = serve({ body: intent({ status: 'processing', amount_received: 0 }) });
    const { stripe, elements, user } = mountForm();
    await user.click(screen.getByRole('radio', { name: 'SEPA Direct Debit' }));
    await user.type(screen.getByLabelText('IBAN'), 'de89370400440532013000');
    expect(screen.getByLabelText('IBAN')).toHaveValue('DE89 3704 0044 0532 0130 00');

    const result = await confirm(stripe, elements);

    expect(result.error).toBeUndefined();
    expect(result.paymentIntent).toMatchObject({ id: 'pi_demo_1', status: 'processing' });
    expect(network.calls[0]?.body).toEqual({ client_secret: SECRET, sepa_debit: { iban: 'DE89370400440532013000' } });
  });

  it('refuses a mistyped IBAN without calling the server, and shows why under the field', async () => {
    const network = serve({ body: intent({ status: 'processing' }) });
    const { stripe, elements, user } = mountForm();
    await user.click(screen.getByRole('radio', { name: 'SEPA Direct Debit' }));
    await user.type(screen.getByLabelText('IBAN'), 'DE89370400440532013099');

    const result = await confirm(stripe, elements);

    expect(result.error).toMatchObject({ type: 'validation_error', message: 'Your IBAN is invalid.' });
    expect(screen.getByLabelText('IBAN')).toHaveAccessibleDescription('Your IBAN is invalid.');
    expect(network.calls).toHaveLength(0);
  });

  it('maps an IBAN the bank refuses to Stripe’s error', async () => {
    serve({
      body: intent({
        status: 'requires_payment_method',
        last_payment_error: {
          type: 'card_error',
          code: 'payment_method_invalid_parameter',
          decline_code: null,
          message: 'This IBAN cannot be debited.',
        },
      }),
    });
    const { stripe, elements, user } = mountForm();
    await user.click(screen.getByRole('radio', { name: 'SEPA Direct Debit' }));
    await user.type(screen.getByLabelText('IBAN'), 'FR1420041010050500013M02606');

    const result = await confirm(stripe, elements);

    expect(result.error).toMatchObject({ message: 'This IBAN cannot be debited.' });
  });

  it('retrieves a PaymentIntent with its client secret', async () => {
    const network = serve({ body: intent() });
    const stripe = createDemoStripe();

    const result = await stripe.retrievePaymentIntent(SECRET);

    expect(result.paymentIntent).toMatchObject({ id: 'pi_demo_1', status: 'succeeded' });
    expect(network.calls[0]?.query.get('client_secret')).toBe(SECRET);
  });

  it('takes the PaymentIntent id from the client secret', () => {
    expect(paymentIntentIdFrom('pi_demo_abc_secret_def')).toBe('pi_demo_abc');
    expect(paymentIntentIdFrom('no-secret-here')).toBeNull();
  });
});

const TOKEN_PATH = '/demo/confirmation_tokens';
const RETURN_URL = 'http://localhost:3000/success';

function confirmationToken(preview: object) {
  return {
    id: 'ctoken_demo_1',
    object: 'confirmation_token',
    payment_method_preview: preview,
    created: 1795000000,
    expires_at: 1795003600,
    livemode: false,
  };
}

/** Elements created as the deferred-intent checkout creates them: no PaymentIntent yet, an amount. */
function mountDeferred(options: Parameters<typeof createDemoStripe>[0] = {}, paymentOptions?: object) {
  const stripe = createDemoStripe({ now: () => NOW, ...options });
  const elements = stripe.elements({ mode: 'payment', amount: 6000, currency: 'usd' });
  const element = elements.create('payment', paymentOptions);
  const container = document.createElement('div');
  document.body.append(container);
  element.mount(container);
  return { stripe, elements, element, user: userEvent.setup() };
}

/** The server's side of handleNextAction: the PaymentIntent it left in requires_action, and 3DS. */
function serveNextAction(pending: DemoPaymentIntent, authenticate?: (approve: boolean) => Reply) {
  return mockFetch([
    { path: '/demo/payment_intents/pi_demo_1', reply: { body: pending } },
    {
      method: 'POST',
      path: '/demo/payment_intents/pi_demo_1/authenticate',
      reply: (request) => {
        if (!authenticate) throw new Error('authentication was not expected');
        return authenticate((request.body as { approve: boolean }).approve);
      },
    },
  ]);
}

describe('demo Elements without an intent (deferred mode)', () => {
  it('takes the amount at creation and follows elements.update, as the bank tab shows', async () => {
    const { elements, user } = mountDeferred();
    await user.click(screen.getByRole('radio', { name: 'Bank redirect (demo bank)' }));
    expect(screen.getByText(/approve or refuse the payment of \$60\.00/)).toBeInTheDocument();
    const updated = vi.fn();
    elements.on('update-end', updated);

    await elements.update({ amount: 7450 });

    expect(screen.getByText(/approve or refuse the payment of \$74\.50/)).toBeInTheDocument();
    expect(updated).toHaveBeenCalledTimes(1);
    await elements.update({ currency: 'EUR' });
    expect(screen.getByText(/approve or refuse the payment of €74\.50/)).toBeInTheDocument();
  });

  it('refuses options Stripe.js refuses, with an IntegrationError', () => {
    const stripe = createDemoStripe();

    expect(() => stripe.elements({ mode: 'payment', currency: 'usd' } as never)).toThrow(IntegrationError);
    expect(() => stripe.elements({ mode: 'payment', amount: 10.5, currency: 'usd' })).toThrow(/amount/);
    const both = { mode: 'payment', amount: 100, currency: 'usd', clientSecret: SECRET } as never;
    expect(() => stripe.elements(both)).toThrow(/either mode or clientSecret/);
    const deferred = stripe.elements({ mode: 'payment', amount: 100, currency: 'usd' });
    expect(() => void deferred.update({ amount: -1 })).toThrow(IntegrationError);
    expect(() => void deferred.update({ currency: 'dollars' })).toThrow(/currency/);
    const withIntent = stripe.elements({ clientSecret: SECRET });
    expect(() => void withIntent.update({ amount: 100 })).toThrow(/only on Elements created with mode/);
    expect(() => void withIntent.update({ clientSecret: 'pi_2_secret_x' } as never)).toThrow(/cannot be updated/);
  });

  it('submit() shows what is wrong beside the field, focuses it, and resolves a validation_error', async () => {
    const network = mockFetch([]);
    const { elements, user } = mountDeferred();
    await user.type(screen.getByLabelText('Card number'), '4242424242424242');
    await user.type(screen.getByLabelText('Security code'), '123');
    await user.click(document.body);

    const result = await elements.submit();

    expect(result).toEqual({
      error: {
        type: 'validation_error',
        code: 'incomplete_expiry',
        message: "Your card's expiration date is incomplete.",
      },
    });
    const expiry = screen.getByLabelText('Expiration date');
    expect(expiry).toHaveAccessibleDescription("Your card's expiration date is incomplete.");
    expect(expiry).toHaveFocus();
    expect(network.calls).toHaveLength(0);
  });

  it('submit() resolves the chosen method when the details are complete', async () => {
    const { elements, user } = mountDeferred();
    await fillCard(user, '4242424242424242');
    await expect(elements.submit()).resolves.toEqual({ selectedPaymentMethod: 'card' });

    await user.click(screen.getByRole('radio', { name: 'SEPA Direct Debit' }));
    await user.type(screen.getByLabelText('IBAN'), 'DE89370400440532013000');
    await expect(elements.submit()).resolves.toEqual({ selectedPaymentMethod: 'sepa_debit' });
  });

  it('createConfirmationToken sends the card to the shop and resolves Stripe’s {confirmationToken}', async () => {
    const preview = { type: 'card', card: { brand: 'visa', last4: '4242' } };
    const network = mockFetch([{ method: 'POST', path: TOKEN_PATH, reply: { body: confirmationToken(preview) } }]);
    const { stripe, elements, user } = mountDeferred();
    await fillCard(user, '4242424242424242', '1230', '123');
    await elements.submit();

    const result = await stripe.createConfirmationToken({ elements, params: { return_url: '/success' } });

    expect(result.error).toBeUndefined();
    expect(result.confirmationToken).toMatchObject({
      id: 'ctoken_demo_1',
      object: 'confirmation_token',
      payment_method_preview: preview,
    });
    expect(network.calls).toEqual([
      expect.objectContaining({
        method: 'POST',
        path: TOKEN_PATH,
        body: {
          card: { number: '4242424242424242', exp_month: 12, exp_year: 2030, cvc: '123' },
          return_url: RETURN_URL,
        },
      }),
    ]);
    // The form is back to editable once the token is made (the page decides what happens next).
    expect(screen.getByLabelText('Card number')).toBeEnabled();
  });

  it('createConfirmationToken sends a SEPA debit’s IBAN, and a bank redirect with its return_url', async () => {
    const network = mockFetch([
      {
        method: 'POST',
        path: TOKEN_PATH,
        reply: (request) => {
          const { sepa_debit } = request.body as { sepa_debit?: object };
          return { body: confirmationToken(sepa_debit ? { type: 'sepa_debit' } : { type: 'bank_redirect' }) };
        },
      },
    ]);
    const { stripe, elements, user } = mountDeferred();
    await user.click(screen.getByRole('radio', { name: 'SEPA Direct Debit' }));
    await user.type(screen.getByLabelText('IBAN'), 'DE89 3704 0044 0532 0130 00');
    await elements.submit();
    await stripe.createConfirmationToken({ elements });

    await user.click(screen.getByRole('radio', { name: 'Bank redirect (demo bank)' }));
    await elements.submit();
    const result = await stripe.createConfirmationToken({ elements, params: { return_url: RETURN_URL } });

    expect(network.calls.map((call) => call.body)).toEqual([
      { sepa_debit: { iban: 'DE89370400440532013000' } },
      { bank_redirect: {}, return_url: RETURN_URL },
    ]);
    expect(result.confirmationToken?.payment_method_preview.type).toBe('bank_redirect');
  });

  it('createConfirmationToken refuses a bank redirect without a return_url, without calling the shop', async () => {
    const network = mockFetch([]);
    const { stripe, elements, user } = mountDeferred();
    await user.click(screen.getByRole('radio', { name: 'Bank redirect (demo bank)' }));
    await elements.submit();

    const result = await stripe.createConfirmationToken({ elements });

    expect(result.error).toMatchObject({ type: 'invalid_request_error' });
    expect(network.calls).toHaveLength(0);
  });

  it('createConfirmationToken needs elements.submit() first, as Stripe.js does', async () => {
    const network = mockFetch([]);
    const { stripe, elements, user } = mountDeferred();
    await fillCard(user, '4242424242424242');

    await expect(stripe.createConfirmationToken({ elements })).rejects.toThrow(
      /elements\.submit\(\) must be called before stripe\.createConfirmationToken\(\)/,
    );
    expect(network.calls).toHaveLength(0);
  });

  it('createConfirmationToken resolves the shop’s refusal or a lost connection as Stripe’s {error}', async () => {
    mockFetch([
      {
        method: 'POST',
        path: TOKEN_PATH,
        reply: (_request, index) =>
          index === 0 ? apiError(400, 'validation_error', 'Give exactly one payment method.') : 'network-error',
      },
    ]);
    const { stripe, elements, user } = mountDeferred();
    await fillCard(user, '4242424242424242');
    await elements.submit();

    expect((await stripe.createConfirmationToken({ elements })).error).toMatchObject({
      type: 'invalid_request_error',
      code: 'validation_error',
      message: 'Give exactly one payment method.',
    });
    expect((await stripe.createConfirmationToken({ elements })).error).toMatchObject({ type: 'api_connection_error' });
  });

  it('confirmPayment pays with the client secret made at Pay, after submit()', async () => {
    const network = serve({ body: intent() });
    const { stripe, elements, user } = mountDeferred();
    await fillCard(user, '4242424242424242', '1230', '123');

    const confirmParams = { return_url: RETURN_URL };

    const redirect = 'if_required';

    await expect(stripe.confirmPayment({ elements, clientSecret: SECRET, confirmParams, redirect })).rejects.toThrow(
      /elements\.submit\(\) must be called before stripe\.confirmPayment\(\)/,
    );
    // Elements made without an intent have no client secret of their own.
    await expect(stripe.confirmPayment({ elements, confirmParams, redirect })).rejects.toThrow(IntegrationError);
    await elements.submit();
    const result = await stripe.confirmPayment({ elements, clientSecret: SECRET, confirmParams, redirect });

    expect(result.paymentIntent).toMatchObject({ id: 'pi_demo_1', status: 'succeeded' });
    expect(network.callsTo('/demo/payment_intents/pi_demo_1/confirm')[0]?.body).toEqual({
      client_secret: SECRET,
      card: { number: '4242424242424242', exp_month: 12, exp_year: 2030, cvc: '123' },
    });
  });
});

describe('demo handleNextAction (the server confirmed; the bank asks for more)', () => {
  const needs3ds = intent({ status: 'requires_action', amount: 7450, next_action: { type: 'demo_authenticate' } });
  const authFailure =
    'We are unable to authenticate your payment method. Please choose a different payment method and try again.';

  it('shows the 3-D Secure dialog with the amount, and resolves {paymentIntent} once approved', async () => {
    const network = serveNextAction(needs3ds, () => ({ body: intent() }));
    const navigate = vi.fn();
    const stripe = createDemoStripe({ navigate });
    const user = userEvent.setup();

    const pending = stripe.handleNextAction({ clientSecret: SECRET });
    const dialog = await screen.findByRole('dialog', { name: 'Authenticate payment' });
    expect(within(dialog).getByText(/\$74\.50/)).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Complete authentication' }));

    const result = await pending;
    expect(result.paymentIntent).toMatchObject({ id: 'pi_demo_1', status: 'succeeded' });
    expect(result.error).toBeUndefined();
    expect(network.calls[0]?.query.get('client_secret')).toBe(SECRET);
    expect(network.callsTo('/demo/payment_intents/pi_demo_1/authenticate')[0]?.body).toEqual({
      client_secret: SECRET,
      approve: true,
    });
    expect(navigate).not.toHaveBeenCalled();
  });

  it('resolves Stripe’s authentication failure when the shopper fails the check', async () => {
    const network = serveNextAction(needs3ds, () => ({
      body: intent({
        status: 'requires_payment_method',
        last_payment_error: {
          type: 'card_error',
          code: 'payment_intent_authentication_failure',
          decline_code: null,
          message: authFailure,
        },
      }),
    }));
    const stripe = createDemoStripe();
    const user = userEvent.setup();

    const pending = stripe.handleNextAction({ clientSecret: SECRET });
    await user.click(await screen.findByRole('button', { name: 'Fail authentication' }));

    const result = await pending;
    expect(result.paymentIntent).toBeUndefined();
    expect(result.error).toMatchObject({
      type: 'card_error',
      code: 'payment_intent_authentication_failure',
      message: authFailure,
      payment_intent: expect.objectContaining({ status: 'requires_payment_method' }) as unknown,
    });
    expect(network.callsTo('/demo/payment_intents/pi_demo_1/authenticate')[0]?.body).toEqual({
      client_secret: SECRET,
      approve: false,
    });
  });

  it('leaves for the bank’s page and never settles, as Stripe.js does for a redirect', async () => {
    const bankUrl = `/demo/bank/pi_demo_1?client_secret=${SECRET}`;
    const network = serveNextAction(
      intent({
        status: 'requires_action',
        next_action: { type: 'redirect_to_url', redirect_to_url: { url: bankUrl, return_url: RETURN_URL } },
      }),
    );
    const navigate = vi.fn();
    const stripe = createDemoStripe({ navigate });

    let settled = false;
    void stripe.handleNextAction({ clientSecret: SECRET }).finally(() => (settled = true));

    await waitFor(() => expect(navigate).toHaveBeenCalledWith(bankUrl));
    await Promise.resolve();
    expect(settled).toBe(false);
    expect(network.calls).toHaveLength(1);
  });

  it('throws for a PaymentIntent that needs no action, as Stripe.js does', async () => {
    serveNextAction(intent({ status: 'succeeded' }));

    await expect(createDemoStripe().handleNextAction({ clientSecret: SECRET })).rejects.toThrow(
      /is succeeded, not requires_action/,
    );
  });

  it('resolves an unknown client secret as Stripe’s {error}', async () => {
    mockFetch([
      { path: '/demo/payment_intents/pi_demo_1', reply: apiError(404, 'not_found', 'No such payment intent.') },
    ]);

    const result = await createDemoStripe().handleNextAction({ clientSecret: SECRET });

    expect(result.error).toMatchObject({ type: 'invalid_request_error', message: 'No such payment intent.' });
  });
});

describe('demo Payment Element read-only', () => {
  it('takes readOnly at creation and in update(): fields keep their values but cannot be changed', async () => {
    const { element, user } = mountDeferred();
    await user.type(screen.getByLabelText('Card number'), '4242');

    element.update({ readOnly: true });

    const number = screen.getByLabelText('Card number');
    expect(number).toHaveAttribute('readonly');
    expect(number).toBeEnabled();
    for (const radio of screen.getAllByRole('radio')) expect(radio).toBeDisabled();
    await user.type(number, '4242');
    expect(number).toHaveValue('4242');

    element.update({ readOnly: false });
    expect(number).not.toHaveAttribute('readonly');
    await user.type(number, '4242');
    expect(number).toHaveValue('4242 4242');
    expect(screen.getByRole('radio', { name: 'SEPA Direct Debit' })).toBeEnabled();
  });

  it('starts read-only when created so, SEPA’s IBAN included', () => {
    mountDeferred({}, { readOnly: true });

    expect(screen.getByLabelText('Card number')).toHaveAttribute('readonly');
    expect(screen.getByLabelText('Expiration date')).toHaveAttribute('readonly');
    expect(screen.getByLabelText('IBAN')).toHaveAttribute('readonly');
    expect(screen.getByRole('radio', { name: 'Card' })).toBeDisabled();
  });

  it('stays read-only after a payment attempt re-enables the form', async () => {
    mockFetch([{ method: 'POST', path: TOKEN_PATH, reply: { body: confirmationToken({ type: 'card' }) } }]);
    const { stripe, elements, element, user } = mountDeferred();
    await fillCard(user, '4242424242424242');
    element.update({ readOnly: true });
    await elements.submit();

    await stripe.createConfirmationToken({ elements });

    expect(screen.getByLabelText('Card number')).toHaveAttribute('readonly');
    expect(screen.getByRole('radio', { name: 'Card' })).toBeDisabled();
  });
});
