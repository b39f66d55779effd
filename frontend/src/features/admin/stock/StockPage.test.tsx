import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { expectNoAxeViolations } from '../../../testing/axe';
import { apiError, type Reply } from '../../../testing/fetchMock';
import { CSRF, renderAdmin, serveAdmin, stockRow } from '../testing';

const STOCK = '/api/admin/stock';
const BOOK = `${STOCK}/the-dream-machine`;

const books = [
  stockRow(),
  stockRow({
    id: 'working-in-public',
    title: 'Working in Public',
    onShelf: 3,
    held: 1,
    available: 2,
    lowStockThreshold: 2,
  }),
  stockRow({ id: 'old-title', title: 'An Old Title', onSale: false, onShelf: 0, held: 0, available: 0, lowStockThreshold: null }),
];

function serve({ count = { body: stockRow({ onShelf: 2, available: 0 }) }, threshold = { body: stockRow({ lowStockThreshold: null }) } }: { count?: Reply; threshold?: Reply } = {}) {
  return serveAdmin([
    { path: STOCK, reply: { body: { books } } },
    { method: 'PUT', path: BOOK, reply: count },
    { method: 'PUT', path: `${BOOK}/threshold`, reply: threshold },
  ]);
}

const row = (title: string) => screen.getByRole('row', { name: new RegExp(title) });

describe('the stock page', () => {
  it('shows each title’s copies on the shelf, held and available, its threshold, and which are low', async () => {
    serve();
    renderAdmin('/admin/stock');

    const table = await screen.findByRole('table', { name: 'Copies of each title' });
    expect(within(table).getAllByRole('columnheader').map((header) => header.textContent)).toEqual([
      'Title',
      'On the shelf',
      'Held',
      'Available',
      'Low-stock threshold',
      'Changes',
    ]);
    expect(within(row('The Dream Machine')).getAllByRole('cell').slice(0, 4).map((cell) => cell.textContent)).toEqual([
      '12',
      '2',
      '10',
      '3',
    ]);
    expect(within(row('Working in Public')).getAllByRole('cell')[2]).toHaveTextContent('2Low');
    expect(row('An Old Title')).toHaveTextContent('Not on sale');
    expect(within(row('An Old Title')).getAllByRole('cell')[3]).toHaveTextContent('None');
    await expectNoAxeViolations('the stock page');
  });

  it('sets a new shelf count with its reason, with the CSRF token, and shows the row the server answers', async () => {
    const network = serve();
    renderAdmin('/admin/stock');
    const user = userEvent.setup();

    await user.click(await screen.findByRole('button', { name: 'Change count of The Dream Machine' }));
    const dialog = screen.getByRole('dialog', { name: 'Copies of The Dream Machine on the shelf' });
    const count = within(dialog).getByRole('spinbutton', { name: 'Copies on the shelf' });
    expect(count).toHaveFocus();
    expect(count).toHaveValue(12);
    await expectNoAxeViolations('the shelf count dialog');

    await user.clear(count);
    await user.type(count, '2');
    await user.click(within(dialog).getByRole('button', { name: 'Save the count' }));
    const reason = within(dialog).getByRole('textbox', { name: 'Reason' });
    await waitFor(() => expect(reason).toHaveFocus());
    expect(reason).toHaveAccessibleDescription(/^Error: Say why/);
    expect(network.callsTo(BOOK, 'PUT')).toHaveLength(0);

    await user.type(reason, 'Stocktake: two damaged');
    await user.click(within(dialog).getByRole('button', { name: 'Save the count' }));

    expect(await screen.findByText('The Dream Machine: 2 on the shelf, 0 available.')).toHaveAttribute('role', 'status');
    const [call] = network.callsTo(BOOK, 'PUT');
    expect(call?.body).toEqual({ onShelf: 2, reason: 'Stocktake: two damaged' });
    expect(call?.headers['x-csrf-token']).toBe(CSRF);
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(within(row('The Dream Machine')).getAllByRole('cell')[2]).toHaveTextContent('0Low');
    expect(screen.getByRole('button', { name: 'Change count of The Dream Machine' })).toHaveFocus();
  });

  it('refuses a count that is not a whole number, and says the server’s refusal', async () => {
    const network = serve({ count: apiError(404, 'not_found', 'No title has that id.') });
    renderAdmin('/admin/stock');
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Change count of The Dream Machine' }));
    const dialog = screen.getByRole('dialog');
    const count = within(dialog).getByRole('spinbutton', { name: 'Copies on the shelf' });

    await user.clear(count);
    await user.type(within(dialog).getByRole('textbox', { name: 'Reason' }), 'Delivery');
    await user.click(within(dialog).getByRole('button', { name: 'Save the count' }));
    expect(count).toHaveAccessibleDescription(/^Error: Enter a whole number of copies/);
    expect(network.callsTo(BOOK, 'PUT')).toHaveLength(0);

    await user.type(count, '20');
    await user.click(within(dialog).getByRole('button', { name: 'Save the count' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('No title has that id.');
  });

  it('sets or removes the low-stock threshold', async () => {
    const network = serve();
    renderAdmin('/admin/stock');
    const user = userEvent.setup();

    await user.click(await screen.findByRole('button', { name: 'Set threshold for The Dream Machine' }));
    const dialog = screen.getByRole('dialog', { name: 'Low-stock threshold of The Dream Machine' });
    const threshold = within(dialog).getByRole('spinbutton', { name: /Email the owners when this many or fewer/ });
    expect(threshold).toHaveValue(3);
    await expectNoAxeViolations('the threshold dialog');
    await user.clear(threshold);
    await user.click(within(dialog).getByRole('button', { name: 'Save the threshold' }));

    expect(await screen.findByText('The Dream Machine: no low-stock email.')).toBeInTheDocument();
    const [call] = network.callsTo(`${BOOK}/threshold`, 'PUT');
    expect(call?.body).toEqual({ lowStockThreshold: null });
    expect(call?.headers['x-csrf-token']).toBe(CSRF);
    expect(within(row('The Dream Machine')).getAllByRole('cell')[3]).toHaveTextContent('None');
  });

  it('says when the stock could not be loaded, with a way to try again', async () => {
    serveAdmin([{ path: STOCK, reply: 'network-error' }]);
    renderAdmin('/admin/stock');

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent("We couldn't load the stock");
    expect(within(alert).getByRole('button', { name: 'Try again' })).toBeInTheDocument();
  });
});
