import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { OrderView } from '../../lib/api';
import { elapse, settle } from '../../testing/clock';
import { apiError, mockFetch, type RecordedRequest, type Reply } from '../../testing/fetchMock';
import { books, demoConfig, order } from '../../testing/fixtures';
import { renderApp, renderPage } from '../../app/testing';
import OrderLookupPage from './OrderLookupPage';

const LOOKUP = '/api/order-lookup';
const NUMBER = 'SP-7K3M9Q';
const EMAIL = 'ada@example.com';
const NOT_FOUND = apiError(404, 'not_found', 'No order matches that order number and email.');

/** Ada's paid order, shipped by Express to South San Francisco, as the server answers it. */
function adasOrder(overrides: Partial<OrderView> = {}): OrderView {
  return order({
    amount: 8249,
    subtotal: 6000,
    shippingAmount: 1499,
    taxAmount: 750,
    email: EMAIL,
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
    refundCause: null,
    ...overrides,
  });
}

/** Ada's order for her number and email (any case and spacing of the number), else the 404. */
function rightPairOnly(found: OrderView = adasOrder()) {
  return (request: RecordedRequest): Reply => {
    const { number, email } = request.body as { number: string; email: string };
    const compact = number.replace(/[\s-]/g, '').toUpperCase().replace(/^SP/, '');
    return compact === '7K3M9Q' && email === EMAIL ? { body: found } : NOT_FOUND;
  };
}

function serve(reply: Reply | ((request: RecordedRequest, call: number) => Reply | Promise<Reply>)) {
  return mockFetch([
    { path: '/config', reply: { body: demoConfig } },
    { path: '/api/books', reply: { body: { books } } },
    { method: 'POST', path: LOOKUP, reply },
  ]);
}

function renderLookup() {
  return renderPage(<OrderLookupPage />, { route: '/orders/find', path: '/orders/find' });
}

const numberField = () => screen.getByRole('textbox', { name: 'Order number' });
const emailField = () => screen.getByRole('textbox', { name: 'Email' });
const findButton = () => screen.getByRole('button', { name: /^Find order$|^Finding your order/ });

/** Types into the fields with Testing Library's user events (real timers). */
async function fillIn(number: string, email: string) {
  const user = userEvent.setup();
  await user.clear(numberField());
  if (number) await user.type(numberField(), number);
  await user.clear(emailField());
  if (email) await user.type(emailField(), email);
  return user;
}

/** Sets the fields and presses the button without user-event, for tests on a fake clock. */
function fillInAndSubmit(number: string, email: string) {
  fireEvent.change(numberField(), { target: { value: number } });
  fireEvent.change(emailField(), { target: { value: email } });
  fireEvent.click(findButton());
}

/** A fact of the order details: the <dd> after the <dt> named `term`. */
function fact(term: string): HTMLElement {
  const details = screen.getByRole('region', { name: 'Order details' });
  return within(details).getByText(term).nextElementSibling as HTMLElement;
}

/** The page's alerts: the failure messages (none while there is nothing wrong). */
const alerts = () => screen.queryAllByRole('alert');

describe('find your order', () => {
  it('asks for the order number and the email, labelled, with hints and the browser hints for each', () => {
    serve(NOT_FOUND);
    renderLookup();

    expect(screen.getByRole('heading', { level: 1, name: 'Find your order' })).toBeInTheDocument();
    expect(numberField()).toHaveAccessibleDescription('It starts with SP-, like SP-7K3M9Q.');
    expect(numberField()).toHaveAttribute('autocomplete', 'off');
    expect(numberField()).toHaveAttribute('autocapitalize', 'characters');
    expect(emailField()).toHaveAccessibleDescription('The address you gave at checkout.');
    expect(emailField()).toHaveAttribute('type', 'email');
    expect(emailField()).toHaveAttribute('autocomplete', 'email');
    expect(emailField()).toHaveAttribute('inputmode', 'email');
    expect(findButton()).toHaveAttribute('type', 'submit');
    expect(alerts()).toHaveLength(0);
  });

  it('shows the order for the right number and email: status, lines, totals, address, delivery and payment method', async () => {
    const network = serve(rightPairOnly());
    renderLookup();

    const user = await fillIn('sp-7k3m 9q', `  ${EMAIL}`);
    await user.click(findButton());

    const heading = await screen.findByRole('heading', { level: 2, name: `Order ${NUMBER}` });
    // Focus goes to the order, so a screen reader starts reading there.
    expect(heading).toHaveFocus();
    expect(network.callsTo(LOOKUP, 'POST').map((call) => call.body)).toEqual([{ number: 'sp-7k3m 9q', email: EMAIL }]);
    expect(screen.getByText("We've received your payment; your books are on their way.")).toBeInTheDocument();
    expect(fact('Order number')).toHaveTextContent(NUMBER);
    expect(fact('Status')).toHaveTextContent('Paid');
    expect(fact('Email')).toHaveTextContent(EMAIL);
    expect(within(fact('Shipping to')).getAllByText(/./).map((line) => line.textContent)).toEqual([
      'Ada Lovelace',
      '354 Oyster Point Blvd',
      'South San Francisco, CA 94080',
      'United States',
    ]);
    expect(fact('Delivery')).toHaveTextContent('Express: arrives in 1–2 business days');
    expect(fact('Payment method')).toHaveTextContent('Visa •••• 4242');
    const receipt = screen.getByRole('region', { name: 'Your books' });
    expect(within(receipt).getByRole('listitem')).toHaveTextContent(/The Dream Machine\s*× 2\s*\$60\.00/);
    const row = (term: string) => within(receipt).getByText(term).nextElementSibling;
    expect(row('Subtotal')).toHaveTextContent('$60.00');
    expect(row('Shipping (Express)')).toHaveTextContent('$14.99');
    expect(row('Tax')).toHaveTextContent('$7.50');
    expect(row('Total')).toHaveTextContent('$82.49');
    // The sections sit under the order's own heading.
    expect(screen.getByRole('heading', { level: 3, name: 'Order details' })).toBeInTheDocument();
    expect(alerts()).toHaveLength(0);
    // Nothing the shopper typed went into the address bar.
    expect(screen.getByTestId('location')).toHaveTextContent(/^\/orders\/find$/);
  });

  it('says no order matches a wrong email, shows nothing of the order, and finds it once the email is right', async () => {
    const network = serve(rightPairOnly());
    renderLookup();

    const user = await fillIn(NUMBER, 'grace@example.com');
    await user.click(findButton());

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('No order matches that order number and email.');
    expect(within(alert).getByRole('heading', { name: "We couldn't find that order" })).toBeInTheDocument();
    // Trying the same pair again cannot help: no button for it.
    expect(within(alert).queryByRole('button')).not.toBeInTheDocument();
    expect(screen.queryByText('The Dream Machine')).not.toBeInTheDocument();
    expect(screen.queryByRole('heading', { name: /^Order SP-/ })).not.toBeInTheDocument();
    // What was typed stays, to be corrected.
    expect(numberField()).toHaveValue(NUMBER);
    expect(emailField()).toHaveValue('grace@example.com');

    await user.clear(emailField());
    await user.type(emailField(), EMAIL);
    await user.click(findButton());

    expect(await screen.findByRole('heading', { name: `Order ${NUMBER}` })).toBeInTheDocument();
    expect(alerts()).toHaveLength(0);
    expect(network.callsTo(LOOKUP, 'POST')).toHaveLength(2);
  });

  it('says the same for an unknown number', async () => {
    serve(rightPairOnly());
    renderLookup();

    const user = await fillIn('SP-222222', EMAIL);
    await user.click(findButton());

    expect(await screen.findByRole('alert')).toHaveTextContent('No order matches that order number and email.');
  });

  it('shows that it is looking while the server answers, and sends one lookup however often the button is pressed', async () => {
    let answer: (reply: Reply) => void = () => {};
    const network = serve(() => new Promise<Reply>((resolve) => (answer = resolve)));
    renderLookup();

    const user = await fillIn(NUMBER, EMAIL);
    await user.click(findButton());

    expect(await screen.findByText('Looking up your order…')).toBeInTheDocument();
    expect(screen.getByText('Looking up your order…').closest('[role="status"]')).not.toBeNull();
    expect(findButton()).toHaveAccessibleName('Finding your order…');
    expect(findButton()).toHaveAttribute('aria-disabled', 'true');
    await user.click(findButton());
    await user.keyboard('{Enter}');
    expect(network.callsTo(LOOKUP, 'POST')).toHaveLength(1);

    await act(() => {
      answer({ body: adasOrder() });
      return Promise.resolve();
    });
    expect(await screen.findByRole('heading', { name: `Order ${NUMBER}` })).toBeInTheDocument();
    expect(findButton()).toHaveAccessibleName('Find order');
    expect(findButton()).not.toHaveAttribute('aria-disabled');
  });
});

describe('find your order: checks before asking the server', () => {
  it('says what is missing beside each field, moves focus to the first, and sends nothing', async () => {
    const network = serve(rightPairOnly());
    renderLookup();
    const user = userEvent.setup();

    await user.click(findButton());

    expect(numberField()).toHaveFocus();
    expect(numberField()).toHaveAttribute('aria-invalid', 'true');
    expect(numberField()).toHaveAccessibleDescription('Error: Enter your order number. It starts with SP-, like SP-7K3M9Q.');
    expect(emailField()).toHaveAttribute('aria-invalid', 'true');
    expect(emailField()).toHaveAccessibleDescription(
      'Error: Enter the email address you ordered with. The address you gave at checkout.',
    );
    expect(network.callsTo(LOOKUP)).toHaveLength(0);

    // Corrected as typed; the next press moves focus to the field still wrong.
    await user.type(numberField(), NUMBER);
    expect(numberField()).not.toHaveAttribute('aria-invalid');
    expect(numberField()).toHaveAccessibleDescription('It starts with SP-, like SP-7K3M9Q.');
    await user.click(findButton());
    expect(emailField()).toHaveFocus();
    expect(network.callsTo(LOOKUP)).toHaveLength(0);
  });

  it.each([
    ['SP-12', 'ada@example.com', 'number', 'Enter the order number as it is in your confirmation, like SP-7K3M9Q.'],
    ['SP-7K3M9Q!', 'ada@example.com', 'number', 'Enter the order number as it is in your confirmation, like SP-7K3M9Q.'],
    ['SP-7K3M9Q', 'ada@', 'email', 'Enter an email address like name@example.com.'],
    ['SP-7K3M9Q', 'ada example.com', 'email', 'Enter an email address like name@example.com.'],
  ])('refuses %s / %s: the %s field says why', async (number, email, field, message) => {
    const network = serve(rightPairOnly());
    renderLookup();

    const user = await fillIn(number, email);
    await user.click(findButton());

    const input = field === 'number' ? numberField() : emailField();
    expect(input).toHaveFocus();
    expect(input).toHaveAccessibleDescription(new RegExp(`^Error: ${message.replace(/[.]/g, '\\.')}`));
    expect(network.callsTo(LOOKUP)).toHaveLength(0);
  });

  it.each(['7K3M9Q', ' sp-7k3m9q ', 'SP 7K3 M9Q'])('accepts the number written %j, as the server forgives it', async (number) => {
    const network = serve(rightPairOnly());
    renderLookup();

    const user = await fillIn(number, EMAIL);
    await user.click(findButton());

    expect(await screen.findByRole('heading', { name: `Order ${NUMBER}` })).toBeInTheDocument();
    expect(network.callsTo(LOOKUP, 'POST')).toHaveLength(1);
  });

  it('drops a not-found message that no longer belongs to what is typed', async () => {
    serve(rightPairOnly());
    renderLookup();
    const user = await fillIn(NUMBER, 'grace@example.com');
    await user.click(findButton());
    await screen.findByRole('alert');

    await user.clear(emailField());
    await user.click(findButton());

    expect(emailField()).toHaveFocus();
    expect(alerts()).toHaveLength(0);
  });
});

describe('find your order: when the server cannot answer', () => {
  it('counts down a 429 and tries once more by itself when the countdown ends', async () => {
    vi.useFakeTimers();
    const network = serve((_request, call) =>
      call === 0
        ? {
            ...apiError(429, 'rate_limited', 'Too many order searches from this connection. Please wait 3 seconds and try again.'),
            headers: { 'Retry-After': '3' },
          }
        : { body: adasOrder() },
    );
    renderLookup();
    await settle();

    fillInAndSubmit(NUMBER, EMAIL);
    await settle();

    const alert = screen.getByRole('alert');
    expect(within(alert).getByRole('heading', { name: 'Too many searches for now' })).toBeInTheDocument();
    expect(alert).toHaveTextContent('Too many order searches from this connection.');
    expect(within(alert).getByRole('timer')).toHaveTextContent('Trying again in 3 seconds…');
    await elapse(1000);
    expect(within(alert).getByRole('timer')).toHaveTextContent('Trying again in 2 seconds…');
    expect(network.callsTo(LOOKUP)).toHaveLength(1);

    await elapse(2000);
    expect(network.callsTo(LOOKUP)).toHaveLength(2);
    expect(screen.getByRole('heading', { name: `Order ${NUMBER}` })).toBeInTheDocument();
    expect(alerts()).toHaveLength(0);
  });

  it('tries by itself only once in a row: after a second 429 the next try is the shopper’s', async () => {
    vi.useFakeTimers();
    const tooMany = {
      ...apiError(429, 'rate_limited', 'Too many order searches from this connection. Please wait 2 seconds and try again.'),
      headers: { 'Retry-After': '2' },
    };
    const network = serve((_request, call) => (call < 2 ? tooMany : { body: adasOrder() }));
    renderLookup();
    await settle();

    fillInAndSubmit(NUMBER, EMAIL);
    await settle();
    await elapse(2000);
    expect(network.callsTo(LOOKUP)).toHaveLength(2);
    const alert = screen.getByRole('alert');
    expect(within(alert).queryByRole('timer')).not.toBeInTheDocument();
    await elapse(10_000);
    expect(network.callsTo(LOOKUP)).toHaveLength(2);

    fireEvent.click(within(alert).getByRole('button', { name: 'Try again' }));
    await settle();
    expect(network.callsTo(LOOKUP)).toHaveLength(3);
    expect(screen.getByRole('heading', { name: `Order ${NUMBER}` })).toBeInTheDocument();
  });

  it('leaves a long wait to the shopper: no countdown past a minute', async () => {
    serve({
      ...apiError(429, 'rate_limited', 'Too many order searches from this connection. Please wait 600 seconds and try again.'),
      headers: { 'Retry-After': '600' },
    });
    renderLookup();

    const user = await fillIn(NUMBER, EMAIL);
    await user.click(findButton());

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Please wait 600 seconds');
    expect(within(alert).queryByRole('timer')).not.toBeInTheDocument();
    expect(within(alert).getByRole('button', { name: 'Try again' })).toBeInTheDocument();
  });

  it('says it cannot reach the shop when the network fails, and tries again when asked', async () => {
    const network = serve((_request, call) => (call === 0 ? 'network-error' : { body: adasOrder() }));
    renderLookup();

    const user = await fillIn(NUMBER, EMAIL);
    await user.click(findButton());

    const alert = await screen.findByRole('alert');
    expect(within(alert).getByRole('heading', { name: "We couldn't look up your order" })).toBeInTheDocument();
    expect(alert).toHaveTextContent("Can't reach the shop. Check your connection and try again.");
    expect(screen.queryByText('The Dream Machine')).not.toBeInTheDocument();

    await user.click(within(alert).getByRole('button', { name: 'Try again' }));

    expect(await screen.findByRole('heading', { name: `Order ${NUMBER}` })).toHaveFocus();
    expect(alerts()).toHaveLength(0);
    expect(network.callsTo(LOOKUP, 'POST').map((call) => call.body)).toEqual([
      { number: NUMBER, email: EMAIL },
      { number: NUMBER, email: EMAIL },
    ]);
  });

  it('says something went wrong for a server error, with a way to try again', async () => {
    serve(apiError(500, 'internal_error', 'Something went wrong on our side. Please try again.'));
    renderLookup();

    const user = await fillIn(NUMBER, EMAIL);
    await user.click(findButton());

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Something went wrong on our side. Please try again.');
    expect(within(alert).getByRole('button', { name: 'Try again' })).toBeInTheDocument();
  });
});

describe('find your order: refunds', () => {
  it('says no books are coming and the money went back for an order whose copies sold out', async () => {
    serve(rightPairOnly(adasOrder({ status: 'refunded', refundCause: 'sold_out' })));
    renderLookup();

    const user = await fillIn(NUMBER, EMAIL);
    await user.click(findButton());

    await screen.findByRole('heading', { name: `Order ${NUMBER}` });
    expect(fact('Status')).toHaveTextContent('Refunded');
    expect(screen.getByText('The last copies sold out before your payment reached us, so no books will be sent.')).toBeInTheDocument();
    expect(
      screen.getByText("We've refunded the full $82.49 to your Visa •••• 4242. Your bank may take a few days to show it."),
    ).toBeInTheDocument();
    expect(screen.getByText(`We've sent an email about it to ${EMAIL}.`)).toBeInTheDocument();
    expect(screen.getByRole('region', { name: 'What you ordered' })).toHaveTextContent('The Dream Machine');
    expect(screen.queryByText(/on their way/)).not.toBeInTheDocument();
  });

  it('says a refund by the shop is under way, without blaming stock', async () => {
    serve(rightPairOnly(adasOrder({ status: 'refunding', refundCause: 'shop' })));
    renderLookup();

    const user = await fillIn(NUMBER, EMAIL);
    await user.click(findButton());

    await screen.findByRole('heading', { name: `Order ${NUMBER}` });
    expect(fact('Status')).toHaveTextContent('Being refunded');
    expect(screen.getByText("We're refunding this order in full: $82.49 back to your Visa •••• 4242.")).toBeInTheDocument();
    expect(screen.queryByText(/sold out/)).not.toBeInTheDocument();
  });

  it('says a shipped order is shipped, with the carrier, the tracking number and its link', async () => {
    const shipment = {
      carrier: 'UPS',
      trackingNumber: '1Z999AA10123456784',
      trackingUrl: 'https://www.ups.com/track?tracknum=1Z999AA10123456784',
      shippedAt: '2026-12-02T10:00:00Z',
    } as const;
    serve(rightPairOnly(adasOrder({ shipment })));
    renderLookup();

    const user = await fillIn(NUMBER, EMAIL);
    await user.click(findButton());

    await screen.findByRole('heading', { name: `Order ${NUMBER}` });
    expect(fact('Status')).toHaveTextContent('Shipped');
    expect(fact('Tracking')).toHaveTextContent('UPS 1Z999AA10123456784');
    expect(within(fact('Tracking')).getByRole('link', { name: /Track your parcel/ })).toHaveAttribute(
      'href',
      shipment.trackingUrl,
    );
  });

  it('shows a parcel sent with a carrier the shop has no link for by its tracking number alone', async () => {
    const shipment = { carrier: 'Other', trackingNumber: 'LOCAL-42', trackingUrl: null, shippedAt: '2026-12-02T10:00:00Z' } as const;
    serve(rightPairOnly(adasOrder({ shipment })));
    renderLookup();

    const user = await fillIn(NUMBER, EMAIL);
    await user.click(findButton());

    await screen.findByRole('heading', { name: `Order ${NUMBER}` });
    expect(fact('Status')).toHaveTextContent('Shipped');
    expect(fact('Tracking')).toHaveTextContent('Tracking number LOCAL-42');
    expect(within(fact('Tracking')).queryByRole('link')).not.toBeInTheDocument();
    expect(screen.getByText('Your books have left us: follow them with the tracking number below.')).toBeInTheDocument();
  });

  it('says a refunded order is refunded even after it shipped, and still shows the parcel', async () => {
    const shipment = {
      carrier: 'DHL',
      trackingNumber: '1234567890',
      trackingUrl: 'https://www.dhl.com/global-en/home/tracking.html?tracking-id=1234567890',
      shippedAt: '2026-12-02T10:00:00Z',
    } as const;
    serve(rightPairOnly(adasOrder({ status: 'refunded', refundCause: 'shop', shipment })));
    renderLookup();

    const user = await fillIn(NUMBER, EMAIL);
    await user.click(findButton());

    await screen.findByRole('heading', { name: `Order ${NUMBER}` });
    expect(fact('Status')).toHaveTextContent('Refunded');
    expect(fact('Tracking')).toHaveTextContent('DHL 1234567890');
  });

  it('says a partly refunded order is partly refunded', async () => {
    serve(rightPairOnly(adasOrder({ status: 'partially_refunded' })));
    renderLookup();

    const user = await fillIn(NUMBER, EMAIL);
    await user.click(findButton());

    await screen.findByRole('heading', { name: `Order ${NUMBER}` });
    expect(fact('Status')).toHaveTextContent('Partly refunded');
    expect(screen.getByText("We've refunded part of this order to the card or account you paid with.")).toBeInTheDocument();
  });

  it.each([
    [{ status: 'failed', paymentStatus: 'requires_payment_method', failureMessage: 'Your card was declined.' }, 'Payment failed', 'Your card was declined. No money was taken.'],
    [{ status: 'pending', paymentStatus: 'processing' }, 'Payment processing', "Your bank is confirming the payment; we'll email you a receipt when it's done."],
    [{ status: 'pending', paymentStatus: 'requires_payment_method' }, 'Awaiting payment', "This order hasn't been paid. No money was taken."],
    [{ status: 'canceled', paymentStatus: 'canceled' }, 'Canceled', 'This order was canceled. No money was taken.'],
  ] as const)('puts an order in words: %j is "%s"', async (overrides, status, sentence) => {
    serve(rightPairOnly(adasOrder({ ...overrides, paidAt: null })));
    renderLookup();

    const user = await fillIn(NUMBER, EMAIL);
    await user.click(findButton());

    await screen.findByRole('heading', { name: `Order ${NUMBER}` });
    expect(fact('Status')).toHaveTextContent(status);
    expect(screen.getByText(sentence)).toBeInTheDocument();
  });
});

describe('find your order from the header', () => {
  it('is a link on every page that opens the lookup page, marked current there', async () => {
    serve(NOT_FOUND);
    const user = userEvent.setup();
    renderApp('/');

    const link = await screen.findByRole('link', { name: 'Find your order' });
    expect(link).toHaveAttribute('href', '/orders/find');
    expect(link).not.toHaveAttribute('aria-current');
    await user.click(link);

    expect(await screen.findByRole('heading', { level: 1, name: 'Find your order' })).toBeInTheDocument();
    expect(screen.getByTestId('location')).toHaveTextContent(/^\/orders\/find$/);
    await waitFor(() => expect(screen.getByRole('link', { name: 'Find your order' })).toHaveAttribute('aria-current', 'page'));
  });
});
