import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { expectNoAxeViolations } from '../../../testing/axe';
import { apiError, type Route } from '../../../testing/fetchMock';
import type { AdminOrder } from '../api';
import { adminOrder, CSRF, renderAdmin, serveAdmin } from '../testing';

const NUMBER = 'SP-7K3M9Q';
const ORDER_PATH = `/api/admin/orders/${NUMBER}`;
const NO_REFUNDS = { refunds: [], refundable: { amount: 0, lines: [], shipping: 0 } };

function serve(order: AdminOrder, more: Route[] = []) {
  return serveAdmin([
    ...more,
    { path: `${ORDER_PATH}/refunds`, reply: { body: NO_REFUNDS } },
    { path: ORDER_PATH, reply: { body: order } },
  ]);
}

async function openOrder() {
  renderAdmin(`/admin/orders/${NUMBER}`);
  await screen.findByText('Ada Lovelace');
}

/** The fact's value, by its term. */
function fact(term: string): HTMLElement {
  const dt = screen.getAllByText(term).find((element) => element.tagName === 'DT');
  if (!dt?.nextElementSibling) throw new Error(`No fact "${term}"`);
  return dt.nextElementSibling as HTMLElement;
}

/** Escape in an open <dialog>: the browser fires `cancel` on it. */
function pressEscape(dialog: HTMLElement) {
  fireEvent(dialog, new Event('cancel', { cancelable: true }));
}

describe('the order page', () => {
  it('shows the order: status, customer, payment, address, books with totals, and the timeline', async () => {
    serve(adminOrder());
    await openOrder();

    expect(screen.getByRole('heading', { level: 1, name: `Order ${NUMBER}` })).toBeInTheDocument();
    expect(fact('Status')).toHaveTextContent('Paid');
    expect(fact('Email')).toHaveTextContent('ada@example.com');
    expect(fact('Paid')).toHaveTextContent('$102.49 on Dec 1, 2026, 09:31 UTC');
    expect(fact('Payment method')).toHaveTextContent('Visa •••• 4242');
    expect(fact('Gateway')).toHaveTextContent('Demo');
    expect(fact('PaymentIntent')).toHaveTextContent('pi_demo_123');
    expect(fact('Copies')).toHaveTextContent('Taken off the shelf');
    expect(fact('Delivery')).toHaveTextContent('Express (1–2 business days)');
    expect(fact('Ship to')).toHaveTextContent('Ada Lovelace354 Oyster Point BlvdSouth San Francisco CA 94080US');
    expect(fact('Shipment')).toHaveTextContent('Not shipped');

    const books = screen.getByRole('table');
    expect(within(books).getAllByRole('columnheader').map((header) => header.textContent)).toEqual([
      'Book',
      'Copies',
      'Price each',
      'Line total',
    ]);
    expect(within(books).getByRole('row', { name: /The Dream Machine/ })).toHaveTextContent('2$30.00$60.00');
    expect(within(books).getByRole('row', { name: /^Total/ })).toHaveTextContent('$102.49');
    expect(within(books).getByRole('row', { name: /^Shipping/ })).toHaveTextContent('$14.99');

    const timeline = screen.getByRole('region', { name: 'Timeline' });
    expect(within(timeline).getAllByRole('listitem').map((item) => item.textContent)).toEqual([
      'Dec 1, 2026, 09:30 UTC createdPay pressed',
      'Dec 1, 2026, 09:31 UTC payment_intent.succeeded',
    ]);
    expect(await screen.findByText('No partial refunds.')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Refund…' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Mark as shipped…' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Resolve the review…' })).not.toBeInTheDocument();
    await expectNoAxeViolations('the order page');
  });

  it('says there is no such order for a 404, with no retry', async () => {
    serveAdmin([
      { path: `${ORDER_PATH}/refunds`, reply: apiError(404, 'not_found', 'No order has that number.') },
      { path: ORDER_PATH, reply: apiError(404, 'not_found', 'No order has that number.') },
    ]);
    renderAdmin(`/admin/orders/${NUMBER}`);

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('No such order');
    expect(alert).toHaveTextContent('No order has that number.');
    expect(within(alert).queryByRole('button')).not.toBeInTheDocument();
  });

  it('marks the order shipped from a dialog: carrier and tracking number, sent with the CSRF token', async () => {
    const shipped = adminOrder({
      shipment: {
        carrier: 'UPS',
        trackingNumber: '1Z999AA10123456784',
        trackingUrl: 'https://www.ups.com/track?tracknum=1Z999AA10123456784',
        shippedAt: '2026-12-02T10:00:00Z',
      },
    });
    const network = serve(adminOrder(), [{ method: 'POST', path: `${ORDER_PATH}/shipment`, reply: { body: shipped } }]);
    await openOrder();
    const user = userEvent.setup();

    await user.click(screen.getByRole('button', { name: 'Mark as shipped…' }));
    const dialog = screen.getByRole('dialog', { name: `Mark ${NUMBER} as shipped` });
    expect(within(dialog).getByRole('combobox', { name: 'Carrier' })).toHaveFocus();
    await expectNoAxeViolations('the mark-as-shipped dialog');
    await user.selectOptions(within(dialog).getByRole('combobox', { name: 'Carrier' }), 'UPS');
    await user.type(within(dialog).getByRole('textbox', { name: 'Tracking number' }), '1Z999AA10123456784');
    await user.click(within(dialog).getByRole('button', { name: 'Mark as shipped' }));

    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    const [call] = network.callsTo(`${ORDER_PATH}/shipment`, 'POST');
    expect(call?.body).toEqual({ carrier: 'UPS', trackingNumber: '1Z999AA10123456784' });
    expect(call?.headers['x-csrf-token']).toBe(CSRF);
    expect(screen.getByText('Marked as shipped: the customer is emailed the tracking link.')).toHaveAttribute(
      'role',
      'status',
    );
    expect(fact('Shipment')).toHaveTextContent('UPS 1Z999AA10123456784, shipped Dec 2, 2026, 10:00 UTC');
    expect(within(fact('Shipment')).getByRole('link', { name: /Track it/ })).toHaveAttribute('href', shipped.shipment!.trackingUrl);
    // The button that opened the dialog is gone: focus goes to the page's heading.
    expect(screen.queryByRole('button', { name: 'Mark as shipped…' })).not.toBeInTheDocument();
    expect(screen.getByRole('heading', { level: 1 })).toHaveFocus();
  });

  it('checks the tracking number before sending, and says the server’s refusal in the dialog', async () => {
    const network = serve(adminOrder(), [
      {
        method: 'POST',
        path: `${ORDER_PATH}/shipment`,
        reply: apiError(409, 'already_shipped', 'Order SP-7K3M9Q shipped already (UPS 1Z999).'),
      },
    ]);
    await openOrder();
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Mark as shipped…' }));
    const dialog = screen.getByRole('dialog');
    const tracking = within(dialog).getByRole('textbox', { name: 'Tracking number' });

    await user.type(tracking, 'x!');
    await user.click(within(dialog).getByRole('button', { name: 'Mark as shipped' }));
    await waitFor(() => expect(tracking).toHaveFocus());
    expect(tracking).toHaveAccessibleDescription(/^Error: Use 4 to 40 letters, digits, spaces and dashes/);
    expect(network.callsTo(`${ORDER_PATH}/shipment`)).toHaveLength(0);

    await user.clear(tracking);
    await user.type(tracking, '1Z999AA1');
    await user.click(within(dialog).getByRole('button', { name: 'Mark as shipped' }));

    const alert = await within(dialog).findByRole('alert');
    expect(alert).toHaveTextContent("We couldn't mark it shipped");
    expect(alert).toHaveTextContent('Order SP-7K3M9Q shipped already (UPS 1Z999).');
    await expectNoAxeViolations('the mark-as-shipped dialog with an error');
  });

  it('closes a dialog with Escape or Cancel, sending nothing, and gives focus back to the button that opened it', async () => {
    const network = serve(adminOrder());
    await openOrder();
    const user = userEvent.setup();
    const opener = screen.getByRole('button', { name: 'Mark as shipped…' });

    await user.click(opener);
    pressEscape(screen.getByRole('dialog'));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(opener).toHaveFocus();

    await user.click(opener);
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(opener).toHaveFocus();
    expect(network.calls.filter((call) => call.method !== 'GET')).toHaveLength(0);
  });

  it('adds an internal note with the CSRF token, and shows the timeline the server answers', async () => {
    const noted = adminOrder({
      timeline: [
        ...adminOrder().timeline,
        { at: '2026-12-02T11:00:00Z', kind: 'note', detail: 'Called the customer; by owner@example.com' },
      ],
    });
    const network = serve(adminOrder(), [{ method: 'POST', path: `${ORDER_PATH}/notes`, reply: { body: noted } }]);
    await openOrder();
    const user = userEvent.setup();
    const note = screen.getByRole('textbox', { name: 'Internal note' });

    await user.click(screen.getByRole('button', { name: 'Add note' }));
    await waitFor(() => expect(note).toHaveFocus());
    expect(note).toHaveAccessibleDescription(/^Error: Write the note first\./);
    expect(network.callsTo(`${ORDER_PATH}/notes`)).toHaveLength(0);

    await user.type(note, '  Called the customer  ');
    await user.click(screen.getByRole('button', { name: 'Add note' }));

    expect(await screen.findByText('Note added to the timeline.')).toBeInTheDocument();
    const [call] = network.callsTo(`${ORDER_PATH}/notes`, 'POST');
    expect(call?.body).toEqual({ text: 'Called the customer' });
    expect(call?.headers['x-csrf-token']).toBe(CSRF);
    expect(note).toHaveValue('');
    expect(screen.getByRole('region', { name: 'Timeline' })).toHaveTextContent('Called the customer; by owner@example.com');
  });

  it('resolves an order under review: the outcome must be chosen; the reason goes with it', async () => {
    const review = adminOrder({ status: 'review', reviewReason: 'The amount paid differs from the order.' });
    const network = serve(review, [
      { method: 'POST', path: `${ORDER_PATH}/resolve`, reply: { body: adminOrder({ status: 'paid' }) } },
    ]);
    await openOrder();
    const user = userEvent.setup();
    expect(fact('Under review because')).toHaveTextContent('The amount paid differs from the order.');
    expect(screen.queryByRole('button', { name: 'Refund…' })).not.toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Resolve the review…' }));
    const dialog = screen.getByRole('dialog', { name: `Resolve the review of ${NUMBER}` });
    await expectNoAxeViolations('the resolve dialog');
    await user.click(within(dialog).getByRole('button', { name: 'Resolve' }));
    expect(within(dialog).getByRole('group', { name: 'Outcome' })).toHaveAccessibleDescription(
      'Error: Choose what to do with the order.',
    );
    expect(network.callsTo(`${ORDER_PATH}/resolve`)).toHaveLength(0);

    await user.click(within(dialog).getByRole('radio', { name: /Accept the payment/ }));
    await user.type(within(dialog).getByRole('textbox', { name: 'Reason (optional)' }), 'Checked with the bank');
    await user.click(within(dialog).getByRole('button', { name: 'Resolve' }));

    expect(await screen.findByText('Payment accepted: the order is paid.')).toBeInTheDocument();
    const [call] = network.callsTo(`${ORDER_PATH}/resolve`, 'POST');
    expect(call?.body).toEqual({ outcome: 'paid', reason: 'Checked with the bank' });
    expect(call?.headers['x-csrf-token']).toBe(CSRF);
    expect(fact('Status')).toHaveTextContent('Paid');
  });

  it('says a refusal to resolve (409) inside the dialog, which stays open', async () => {
    serve(adminOrder({ status: 'review', reviewReason: 'Paid twice.' }), [
      {
        method: 'POST',
        path: `${ORDER_PATH}/resolve`,
        reply: apiError(409, 'insufficient_stock', 'Accepting it needs copies that are gone: refund it instead.'),
      },
    ]);
    await openOrder();
    const user = userEvent.setup();

    await user.click(screen.getByRole('button', { name: 'Resolve the review…' }));
    const dialog = screen.getByRole('dialog');
    await user.click(within(dialog).getByRole('radio', { name: /Accept the payment/ }));
    await user.click(within(dialog).getByRole('button', { name: 'Resolve' }));

    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      'Accepting it needs copies that are gone: refund it instead.',
    );
    expect(screen.getByRole('dialog')).toBeInTheDocument();
  });

  it('shows a full refund’s problem and the work the worker gave up on', async () => {
    serve(
      adminOrder({
        status: 'refunding',
        refund: {
          cause: 'sold_out',
          note: null,
          requestedAt: '2026-12-01T09:32:00Z',
          refundId: null,
          problem: 'The card was closed.',
        },
        deadJobs: [{ id: 7, kind: 'refund', lastError: 'card_declined' }],
      }),
    );
    await openOrder();

    expect(fact('Full refund')).toHaveTextContent('Copies sold out before the payment came');
    expect(fact('Full refund')).toHaveTextContent('Needs you: The card was closed.');
    expect(screen.getByRole('region', { name: 'Work the worker gave up on' })).toHaveTextContent('refund (job 7): card_declined');
    expect(screen.queryByRole('button', { name: 'Refund…' })).not.toBeInTheDocument();
  });
});
