import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { expectNoAxeViolations } from '../../../testing/axe';
import { apiError, type Reply } from '../../../testing/fetchMock';
import type { AdminOrder, Refund, Refunds } from '../api';
import { adminOrder, CSRF, renderAdmin, serveAdmin } from '../testing';

const NUMBER = 'SP-7K3M9Q';
const ORDER_PATH = `/api/admin/orders/${NUMBER}`;
const REFUNDS = `${ORDER_PATH}/refunds`;

// What the server says is left: an odd amount no sum of the prices on screen makes, so a
// dialog that worked money out itself would show something else.
const LEFT: Refunds = {
  refunds: [],
  refundable: {
    amount: 10237,
    lines: [
      { bookId: 'the-dream-machine', title: 'The Dream Machine', quantity: 2 },
      { bookId: 'working-in-public', title: 'Working in Public', quantity: 0 },
    ],
    shipping: 1499,
  },
};

function refund(overrides: Partial<Refund> = {}): Refund {
  return {
    id: 1,
    amount: 3187,
    currency: 'usd',
    status: 'requested',
    lines: [{ bookId: 'the-dream-machine', title: 'The Dream Machine', quantity: 1 }],
    shipping: false,
    restock: true,
    notify: true,
    reason: 'Damaged in transit',
    error: null,
    createdAt: '2026-12-02T12:00:00Z',
    ...overrides,
  };
}

/** The paid order; its refunds as given; POST .../refunds answers `created`, and the order is reloaded after it. */
function serve({ left = LEFT, created = { status: 201, body: { refund: refund() } } }: { left?: Refunds; created?: Reply } = {}) {
  let refunded = false;
  const after: AdminOrder = adminOrder({ status: 'partially_refunded' });
  return serveAdmin([
    {
      path: REFUNDS,
      method: 'POST',
      reply: () => {
        refunded = true;
        return created;
      },
    },
    { path: REFUNDS, reply: () => ({ body: refunded ? { ...left, refunds: [refund()] } : left }) },
    { path: ORDER_PATH, reply: () => ({ body: refunded ? after : adminOrder() }) },
  ]);
}

async function openDialog({ form = true } = {}) {
  renderAdmin(`/admin/orders/${NUMBER}`);
  const user = userEvent.setup();
  await user.click(await screen.findByRole('button', { name: 'Refund…' }));
  const dialog = screen.getByRole('dialog', { name: `Refund ${NUMBER}` });
  if (form) await within(dialog).findByText(/Left to refund/);
  return { user, dialog };
}

const refundButton = (dialog: HTMLElement) => within(dialog).getByRole('button', { name: 'Refund' });

describe('the refund dialog', () => {
  it('starts from what the server says is left: money, copies of each line, and the shipping', async () => {
    serve();
    const { dialog } = await openDialog();

    expect(within(dialog).getByText(/Left to refund/)).toHaveTextContent('Left to refund: $102.37');
    const copies = within(dialog).getByRole('spinbutton', { name: 'The Dream Machine' });
    expect(copies).toHaveAttribute('max', '2');
    expect(copies).toHaveAccessibleDescription('Up to 2 copies.');
    // A line with nothing left to refund is not offered.
    expect(within(dialog).queryByRole('spinbutton', { name: 'Working in Public' })).not.toBeInTheDocument();
    expect(within(dialog).getByRole('checkbox', { name: 'Refund the shipping ($14.99)' })).not.toBeChecked();
    expect(within(dialog).getByRole('checkbox', { name: 'Put the copies back on the shelf' })).toBeChecked();
    expect(within(dialog).getByRole('checkbox', { name: /Email the customer/ })).toBeChecked();
    expect(within(dialog).getByRole('radio', { name: /What the copies and shipping come to/ })).toBeChecked();
    await expectNoAxeViolations('the refund dialog');
  });

  it('asks for copies with the CSRF token and shows the amount the server refunds, not one of its own', async () => {
    const network = serve();
    const { user, dialog } = await openDialog();

    await user.type(within(dialog).getByRole('spinbutton', { name: 'The Dream Machine' }), '1');
    await user.type(within(dialog).getByRole('textbox', { name: 'Reason (optional)' }), ' Damaged in transit ');
    await user.click(within(dialog).getByRole('checkbox', { name: 'Put the copies back on the shelf' }));
    await user.click(refundButton(dialog));

    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    const [call] = network.callsTo(REFUNDS, 'POST');
    expect(call?.body).toEqual({
      lines: [{ bookId: 'the-dream-machine', quantity: 1 }],
      shipping: false,
      amount: null,
      reason: 'Damaged in transit',
      restock: false,
      notify: true,
    });
    expect(call?.headers['x-csrf-token']).toBe(CSRF);
    // $31.87: the server's figure (a copy's price and its share of the tax), said as it gave it.
    expect(
      screen.getByText(
        'Refund of $31.87 asked for: the gateway gets it in a moment, and the customer is emailed once it has gone through.',
      ),
    ).toHaveAttribute('role', 'status');
    // The order and its refunds are loaded again.
    expect(await screen.findByText('Partly refunded')).toBeInTheDocument();
    expect(await screen.findByText('$31.87')).toBeInTheDocument();
  });

  it('refunds the shipping alone, or a set amount typed in dollars and sent in cents', async () => {
    const network = serve();
    const { user, dialog } = await openDialog();

    await user.click(within(dialog).getByRole('checkbox', { name: 'Refund the shipping ($14.99)' }));
    await user.click(within(dialog).getByRole('radio', { name: 'A set amount' }));
    const amount = within(dialog).getByRole('textbox', { name: 'Amount (USD)' });
    expect(amount).toHaveAccessibleDescription('At most $102.37. Copies chosen above say what it is for.');
    await user.type(amount, '12.5');
    await user.click(within(dialog).getByRole('checkbox', { name: /Email the customer/ }));
    await user.click(refundButton(dialog));

    await waitFor(() => expect(network.callsTo(REFUNDS, 'POST')).toHaveLength(1));
    expect(network.callsTo(REFUNDS, 'POST')[0]?.body).toEqual({
      lines: [],
      shipping: true,
      amount: 1250,
      reason: null,
      restock: true,
      notify: false,
    });
  });

  it('sends nothing until something is chosen, and says what is wrong where it is', async () => {
    const network = serve();
    const { user, dialog } = await openDialog();

    await user.click(refundButton(dialog));
    expect(within(dialog).getByRole('alert')).toHaveTextContent('Choose copies to refund, the shipping, or a set amount.');
    await expectNoAxeViolations('the refund dialog with nothing chosen');

    const copies = within(dialog).getByRole('spinbutton', { name: 'The Dream Machine' });
    await user.type(copies, '3');
    await user.click(refundButton(dialog));
    await waitFor(() => expect(copies).toHaveFocus());
    expect(copies).toHaveAccessibleDescription('Error: Enter a whole number from 0 to 2. Up to 2 copies.');

    await user.clear(copies);
    await user.click(within(dialog).getByRole('radio', { name: 'A set amount' }));
    await user.type(within(dialog).getByRole('textbox', { name: 'Amount (USD)' }), '12.345');
    await user.click(refundButton(dialog));
    expect(within(dialog).getByRole('textbox', { name: 'Amount (USD)' })).toHaveAccessibleDescription(
      /^Error: Enter an amount, like 12\.50\./,
    );
    expect(network.callsTo(REFUNDS, 'POST')).toHaveLength(0);
  });

  it('says the server’s refusal in the dialog and keeps what was chosen', async () => {
    serve({
      created: apiError(409, 'refund_exceeds_payment', 'The refunds together would pass what was paid ($102.37 left).'),
    });
    const { user, dialog } = await openDialog();

    await user.click(within(dialog).getByRole('radio', { name: 'A set amount' }));
    await user.type(within(dialog).getByRole('textbox', { name: 'Amount (USD)' }), '500');
    await user.click(refundButton(dialog));

    const alert = await within(dialog).findByRole('alert');
    expect(alert).toHaveTextContent("We couldn't refund it");
    expect(alert).toHaveTextContent('The refunds together would pass what was paid ($102.37 left).');
    expect(within(dialog).getByRole('textbox', { name: 'Amount (USD)' })).toHaveValue('500');
    expect(refundButton(dialog)).not.toHaveAttribute('aria-disabled');
  });

  it('says when nothing is left to refund', async () => {
    serve({ left: { refunds: [], refundable: { amount: 0, lines: [], shipping: 0 } } });
    const { dialog } = await openDialog({ form: false });

    expect(await within(dialog).findByText('Nothing is left to refund on this order.')).toBeInTheDocument();
    expect(within(dialog).queryByRole('button', { name: 'Refund' })).not.toBeInTheDocument();
  });

  it('lists the refunds made, with their status, copies and reason', async () => {
    serve({ left: { ...LEFT, refunds: [refund({ status: 'failed', error: 'The card was closed.' })] } });
    renderAdmin(`/admin/orders/${NUMBER}`);

    const section = await screen.findByRole('region', { name: 'Partial refunds' });
    await within(section).findByText('$31.87');
    expect(section).toHaveTextContent('$31.87: Failed, Dec 2, 2026, 12:00 UTC');
    expect(section).toHaveTextContent('For 1 × The Dream Machine.');
    expect(section).toHaveTextContent('Reason: Damaged in transit');
    expect(section).toHaveTextContent('Why it failed: The card was closed.');
  });
});
