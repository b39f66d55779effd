import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { expectNoAxeViolations } from '../../../testing/axe';
import { apiError, type RecordedRequest, type Reply } from '../../../testing/fetchMock';
import type { OrderList } from '../api';
import { adminOrder, orderRow, renderAdmin, serveAdmin } from '../testing';

const ORDERS = '/api/admin/orders';

const twoOrders: OrderList = {
  orders: [
    orderRow({ number: 'SP-7K3M9Q', createdAt: '2026-12-02T14:05:00Z', shippedAt: '2026-12-03T08:00:00Z' }),
    orderRow({
      number: 'SP-2B4C6D',
      createdAt: '2026-12-01T09:30:00Z',
      email: null,
      total: 1999,
      status: 'review',
      paymentMethod: null,
    }),
  ],
  page: 1,
  pageSize: 25,
  total: 2,
};

function serve(reply: Reply | ((request: RecordedRequest) => Reply) = { body: twoOrders }) {
  return serveAdmin([
    { path: ORDERS, reply },
    { path: /\/refunds$/, reply: { body: { refunds: [], refundable: { amount: 0, lines: [], shipping: 0 } } } },
    { path: /^\/api\/admin\/orders\/SP-/, reply: { body: adminOrder() } },
  ]);
}

const queryOf = (call: RecordedRequest | undefined) => Object.fromEntries(call?.query ?? []);

describe('the orders list', () => {
  it('shows the orders newest first in a table with headers: number, date, email, total, status, payment, shipped', async () => {
    const network = serve();
    renderAdmin('/admin/orders');

    const table = await screen.findByRole('table', { name: 'Orders, newest first' });
    expect(within(table).getAllByRole('columnheader').map((header) => header.textContent)).toEqual([
      'Order',
      'Placed',
      'Email',
      'Total',
      'Status',
      'Payment',
      'Shipped',
    ]);
    const [, first, second] = within(table).getAllByRole('row');
    expect(within(first!).getAllByRole('cell').map((cell) => cell.textContent)).toEqual([
      'Dec 2, 2026, 14:05 UTC',
      'ada@example.com',
      '$82.49',
      'Paid',
      'Visa •••• 4242',
      'Dec 3, 2026',
    ]);
    expect(within(second!).getAllByRole('cell').map((cell) => cell.textContent)).toEqual([
      'Dec 1, 2026, 09:30 UTC',
      '—',
      '$19.99',
      'Under review',
      '—',
      '—',
    ]);
    expect(within(first!).getByRole('link', { name: 'SP-7K3M9Q' })).toHaveAttribute('href', '/admin/orders/SP-7K3M9Q');
    expect(screen.getByText('2 orders.')).toBeInTheDocument();
    expect(queryOf(network.callsTo(ORDERS)[0])).toEqual({ page: '1' });
    await expectNoAxeViolations('the orders list');
  });

  it('searches by number or email, filters by status and day, and starts again at page 1', async () => {
    const network = serve();
    renderAdmin('/admin/orders');
    const user = userEvent.setup();
    await screen.findByRole('table');

    await user.type(screen.getByRole('searchbox', { name: 'Order number or email' }), ' ada@ ');
    await user.selectOptions(screen.getByRole('combobox', { name: 'Status' }), 'Under review');
    await user.type(screen.getByLabelText('Placed from'), '2026-12-01');
    await user.type(screen.getByLabelText('Placed to'), '2026-12-31');
    await user.click(screen.getByRole('button', { name: 'Search' }));

    await waitFor(() => expect(network.callsTo(ORDERS)).toHaveLength(2));
    expect(queryOf(network.callsTo(ORDERS)[1])).toEqual({
      page: '1',
      q: 'ada@',
      status: 'review',
      from: '2026-12-01',
      to: '2026-12-31',
    });
    expect(await screen.findByText('2 orders found.')).toBeInTheDocument();
  });

  it('says a "from" day after the "to" day at the field, and sends nothing', async () => {
    const network = serve();
    renderAdmin('/admin/orders');
    const user = userEvent.setup();
    await screen.findByRole('table');

    await user.type(screen.getByLabelText('Placed from'), '2026-12-31');
    await user.type(screen.getByLabelText('Placed to'), '2026-12-01');
    await user.click(screen.getByRole('button', { name: 'Search' }));

    expect(screen.getByLabelText('Placed from')).toHaveAccessibleDescription(
      'Error: The "from" day is after the "to" day. Day, UTC',
    );
    expect(network.callsTo(ORDERS)).toHaveLength(1);
  });

  it('pages through older orders, keeping the button pressed in focus', async () => {
    const network = serve((request) => {
      const page = Number(request.query.get('page'));
      return { body: { ...twoOrders, orders: [orderRow({ number: `SP-PAGE${page}` })], page, pageSize: 1, total: 3 } };
    });
    renderAdmin('/admin/orders');
    const user = userEvent.setup();
    const pages = await screen.findByRole('navigation', { name: 'Pages of orders' });
    expect(pages).toHaveTextContent('Page 1 of 3');
    expect(within(pages).getByRole('button', { name: 'Newer' })).toHaveAttribute('aria-disabled', 'true');

    const older = within(pages).getByRole('button', { name: 'Older' });
    await user.click(older);

    expect(await screen.findByRole('link', { name: 'SP-PAGE2' })).toBeInTheDocument();
    expect(queryOf(network.callsTo(ORDERS)[1])).toEqual({ page: '2' });
    expect(screen.getByRole('navigation', { name: 'Pages of orders' })).toHaveTextContent('Page 2 of 3');
    expect(older).toHaveFocus();
  });

  it('says when nothing matches, and when there are no orders at all', async () => {
    serve((request) => ({ body: { ...twoOrders, orders: [], total: 0, page: Number(request.query.get('page')) } }));
    renderAdmin('/admin/orders');
    const user = userEvent.setup();

    expect(await screen.findByText('No orders yet.')).toBeInTheDocument();
    await user.type(screen.getByRole('searchbox', { name: 'Order number or email' }), 'nobody');
    await user.click(screen.getByRole('button', { name: 'Search' }));

    expect(await screen.findByText('No orders match these filters.')).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });

  it('says when the list could not be loaded, and loads it again when asked', async () => {
    let fail = true;
    serve(() => (fail ? apiError(500, 'internal_error', 'Something went wrong on our side.') : { body: twoOrders }));
    renderAdmin('/admin/orders');

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent("We couldn't load the orders");
    fail = false;
    await userEvent.setup().click(within(alert).getByRole('button', { name: 'Try again' }));

    expect(await screen.findByRole('table')).toBeInTheDocument();
  });

  it('keeps the search for the rest of the session: back from an order, the same list', async () => {
    const network = serve();
    const { go } = renderAdmin('/admin/orders');
    const user = userEvent.setup();
    await screen.findByRole('table');
    await user.type(screen.getByRole('searchbox', { name: 'Order number or email' }), 'ada');
    await user.click(screen.getByRole('button', { name: 'Search' }));
    await waitFor(() => expect(network.callsTo(ORDERS)).toHaveLength(2));

    await user.click(await screen.findByRole('link', { name: 'SP-7K3M9Q' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Order SP-7K3M9Q' })).toBeInTheDocument();
    await go('/admin/orders');

    expect(await screen.findByRole('searchbox', { name: 'Order number or email' })).toHaveValue('ada');
    await waitFor(() => expect(network.callsTo(ORDERS)).toHaveLength(3));
    expect(queryOf(network.callsTo(ORDERS)[2])).toEqual({ page: '1', q: 'ada' });
  });
});
