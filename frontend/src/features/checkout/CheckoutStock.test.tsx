import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import axe from 'axe-core';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { QuoteRequest } from '../../lib/api';
import { serveCheckout } from '../../testing/checkoutServer';
import { apiError, type Reply } from '../../testing/fetchMock';
import { createFakeStripe, SHOPPER } from '../../testing/fakeStripe';
import { placedFor, stockBooks, storeCart, storedCart } from '../../testing/fixtures';
import { payable } from '../../testing/payable';
import { renderApp } from '../../app/testing';
import { getStripe } from './stripeLoader';

vi.mock('./stripeLoader', () => ({ getStripe: vi.fn() }));

/**
 * The server: `shelf` is what checkout finds for this cart (checked on every quote and at Pay,
 * changed by the test as other shoppers buy); `listed` is what its catalogue says, which can lag.
 */
function serveWithStock(
  shelf: Record<string, number>,
  listed: Record<string, number> = { ...shelf },
  pay?: (body: QuoteRequest) => Reply,
) {
  const shortOf = (body: QuoteRequest): Reply | undefined => {
    const short = body.items
      .filter((item) => item.id in shelf && item.quantity > shelf[item.id]!)
      .map((item) => ({
        id: item.id,
        title: stockBooks.find((book) => book.id === item.id)!.title,
        requested: item.quantity,
        available: shelf[item.id]!,
      }));
    if (short.length === 0) return undefined;
    const said = short.map((item) =>
      item.available === 0 ? `${item.title} is sold out` : `${item.title} has only ${item.available} left`,
    );
    return apiError(409, 'insufficient_stock', `Not enough copies: ${said.join('; ')}.`, { items: short });
  };
  return serveCheckout({
    books: () => stockBooks.map((book) => ({ ...book, available: listed[book.id] ?? book.available })),
    quote: shortOf,
    pay: (body) => shortOf(body) ?? pay?.(body),
  });
}

/** axe-core's WCAG A and AA rules over the page (colour contrast needs a real browser: e2e). */
async function axeViolations(): Promise<string[]> {
  const results = await axe.run(document.body, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
    rules: { 'color-contrast': { enabled: false } },
  });
  return results.violations.map((violation) => `${violation.id}: ${violation.help}`);
}

let fake: ReturnType<typeof createFakeStripe>;

beforeEach(() => {
  fake = createFakeStripe();
  vi.mocked(getStripe).mockReset();
  vi.mocked(getStripe).mockResolvedValue(fake.stripe);
});

// Waits that span the form's debounce and a quote: generous, for a busy machine.
const QUOTED = { timeout: 5000 };

/** Fills in email and address and waits until Pay can be pressed. */
async function fillIn(): Promise<HTMLElement> {
  await screen.findByRole('button', { name: /^Pay/ }, QUOTED);
  act(() => {
    fake.typeEmail(SHOPPER.email);
    fake.typeAddress(SHOPPER.address);
  });
  await waitFor(() => expect(payable(screen.getByRole('button', { name: /^Pay/ }))).toBe(true), QUOTED);
  return screen.getByRole('button', { name: /^Pay/ });
}

function summary() {
  return screen.getByRole('region', { name: 'Order summary' });
}

describe('checkout when copies run short', () => {
  it('says beside the summary which titles are short, holds Pay, and changes the cart to the copies left in one click', async () => {
    const shelf = { 'poor-charlies-almanack': 3 };
    const network = serveWithStock(shelf);
    storeCart([
      { id: 'the-dream-machine', quantity: 2 },
      { id: 'poor-charlies-almanack', quantity: 3 },
    ]);
    const user = userEvent.setup();
    renderApp('/checkout');
    await fillIn();

    // Another shopper takes two copies; the shopper then changes the address.
    shelf['poor-charlies-almanack'] = 1;
    act(() => fake.typeAddress({ ...SHOPPER.address, postal_code: '94107' }));

    const problem = await screen.findByRole('alert', { name: 'Not enough copies' }, QUOTED);
    expect(problem).toHaveTextContent("Poor Charlie's Almanack: only 1 left (you asked for 3 copies)");
    expect(problem).toHaveTextContent('Change your cart to the copies left, then pay.');
    // Beside the summary: in the same column, just before it.
    expect(problem.nextElementSibling).toBe(summary());
    expect(summary()).toHaveClass('order-summary--stale');
    const pay = screen.getByRole('button', { name: /^Pay/ });
    expect(payable(pay)).toBe(false);
    expect(pay).toHaveAccessibleDescription('Change your cart to the copies left (see above), then pay.');
    expect(screen.queryByText("We couldn't prepare your order")).not.toBeInTheDocument();
    expect(await axeViolations()).toEqual([]);
    // The catalogue is asked again, so the shop shows what is left.
    await waitFor(() => expect(network.callsTo('/api/books')).toHaveLength(2), QUOTED);

    await user.click(within(problem).getByRole('button', { name: 'Change my cart to the copies left' }));

    expect(storedCart().items).toEqual([
      { id: 'the-dream-machine', quantity: 2 },
      { id: 'poor-charlies-almanack', quantity: 1 },
    ]);
    expect(screen.getByRole('heading', { level: 1, name: 'Checkout' })).toHaveFocus();
    expect(
      screen.getByText(
        "We changed your cart to the copies available: Poor Charlie's Almanack lowered to 1 (only 1 left).",
      ),
    ).toBeInTheDocument();
    await waitFor(() => expect(payable(screen.getByRole('button', { name: /^Pay/ }))).toBe(true), QUOTED);
    expect(screen.queryByRole('alert', { name: 'Not enough copies' })).not.toBeInTheDocument();
    expect(within(summary()).getByText("Poor Charlie's Almanack").nextElementSibling).toHaveTextContent('1 × $35.00');
    expect(network.quotes().at(-1)).toMatchObject({
      items: [
        { id: 'the-dream-machine', quantity: 2 },
        { id: 'poor-charlies-almanack', quantity: 1 },
      ],
      shipping: { address: { postalCode: '94107' } },
    });
  });

  it('when Pay finds a title sold out, says so with focus, charges nothing, and removes it in one click', async () => {
    const shelf = { 'poor-charlies-almanack': 3 };
    serveWithStock(shelf);
    storeCart([
      { id: 'the-dream-machine', quantity: 1 },
      { id: 'poor-charlies-almanack', quantity: 2 },
    ]);
    const user = userEvent.setup();
    renderApp('/checkout');
    const pay = await fillIn();

    shelf['poor-charlies-almanack'] = 0;
    await user.click(pay);

    const problem = await screen.findByRole('alert', { name: 'Not enough copies' }, QUOTED);
    await waitFor(() => expect(problem).toHaveFocus());
    expect(problem).toHaveTextContent("Poor Charlie's Almanack: sold out (you asked for 2 copies)");
    expect(problem).toHaveTextContent('Remove it from your cart to go on.');
    expect(fake.handleNextAction).not.toHaveBeenCalled();
    expect(screen.getByTestId('location')).toHaveTextContent(/^\/checkout$/);
    expect(payable(screen.getByRole('button', { name: /^Pay/ }))).toBe(false);

    await user.click(within(problem).getByRole('button', { name: 'Remove it from my cart' }));

    expect(storedCart().items).toEqual([{ id: 'the-dream-machine', quantity: 1 }]);
    expect(
      screen.getByText("We changed your cart to the copies available: removed Poor Charlie's Almanack (sold out)."),
    ).toBeInTheDocument();
    await waitFor(() => expect(payable(screen.getByRole('button', { name: /^Pay/ }))).toBe(true), QUOTED);
    expect(within(summary()).queryByText("Poor Charlie's Almanack")).not.toBeInTheDocument();
  });

  it('explains a cart refused on its first quote (no summary yet), and quotes again once changed', async () => {
    const network = serveWithStock({ 'the-big-score': 0, 'poor-charlies-almanack': 2 });
    storeCart([
      { id: 'the-big-score', quantity: 1 },
      { id: 'poor-charlies-almanack', quantity: 3 },
      { id: 'the-dream-machine', quantity: 1 },
    ]);
    const user = userEvent.setup();
    renderApp('/checkout');

    const problem = await screen.findByRole('alert', { name: 'Not enough copies' }, QUOTED);
    const lines = within(problem).getAllByRole('listitem');
    expect(lines.map((line) => line.textContent)).toEqual([
      'The Big Score: sold out (you asked for 1 copy)',
      "Poor Charlie's Almanack: only 2 left (you asked for 3 copies)",
    ]);
    expect(problem).toHaveTextContent('Change your cart to the copies left (sold-out titles are removed), then pay.');
    expect(screen.queryByRole('button', { name: /^Pay/ })).not.toBeInTheDocument();
    expect(await axeViolations()).toEqual([]);

    await user.click(within(problem).getByRole('button', { name: 'Change my cart to the copies left' }));

    expect(
      screen.getByText(
        "We changed your cart to the copies available: removed The Big Score (sold out); Poor Charlie's Almanack lowered to 2 (only 2 left).",
      ),
    ).toBeInTheDocument();
    await screen.findByRole('button', { name: 'Pay' }, QUOTED);
    expect(within(summary()).getByText('Subtotal').nextElementSibling).toHaveTextContent('$100.00');
    expect(network.quotes().at(-1)?.items).toEqual([
      { id: 'poor-charlies-almanack', quantity: 2 },
      { id: 'the-dream-machine', quantity: 1 },
    ]);
  });

  it("shows the shop checkout's counts even while the catalogue's copy lags, and the cart's short line with its fix", async () => {
    // The catalogue still lists 3 copies: its copy is a few seconds old.
    const shelf = { 'poor-charlies-almanack': 1 };
    serveWithStock(shelf, { 'poor-charlies-almanack': 3 });
    storeCart([{ id: 'poor-charlies-almanack', quantity: 3 }]);
    const user = userEvent.setup();
    renderApp('/checkout');
    await screen.findByRole('alert', { name: 'Not enough copies' }, QUOTED);

    await user.click(screen.getByRole('link', { name: 'Stripe Press' }));

    const heading = await screen.findByRole('heading', { name: "Poor Charlie's Almanack" });
    const card = heading.closest('li')!;
    expect(within(card).getByText('Only 1 left')).toBeInTheDocument();
    expect(
      within(card).getByRole('button', { name: "All copies in your cart: Poor Charlie's Almanack" }),
    ).toBeDisabled();
    expect(
      screen.getByText('A book in your cart has fewer copies left than you chose: open your cart to change it.'),
    ).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Cart (3 items)' }));
    const drawer = screen.getByRole('dialog', { name: 'Your cart' });
    await user.click(within(drawer).getByRole('button', { name: "Reduce to 1: Poor Charlie's Almanack" }));
    expect(storedCart().items).toEqual([{ id: 'poor-charlies-almanack', quantity: 1 }]);
  });

  it('does not call the copies its own Pay holds sold out when the catalogue counts them as taken', async () => {
    const shelf = { 'poor-charlies-almanack': 3 };
    const listed = { 'poor-charlies-almanack': 3 };
    // Pay holds the copies, then sends the shopper to the bank's page (which never comes back here).
    const network = serveWithStock(shelf, listed, (body) => ({ body: placedFor(body, { status: 'requires_action' }) }));
    fake.handleNextAction.mockReturnValue(new Promise(() => {}));
    storeCart([{ id: 'poor-charlies-almanack', quantity: 3 }]);
    const user = userEvent.setup();
    const { unmount } = renderApp('/checkout');
    await user.click(await fillIn());
    await waitFor(() => expect(fake.handleNextAction).toHaveBeenCalled());
    expect(network.pays()).toHaveLength(1);
    unmount();

    // The server holds all three for this cart; the catalogue, read again later, says none are left.
    listed['poor-charlies-almanack'] = 0;
    renderApp('/');

    const heading = await screen.findByRole('heading', { name: "Poor Charlie's Almanack" });
    const card = heading.closest('li')!;
    expect(within(card).getByText('Only 3 left')).toBeInTheDocument();
    expect(within(card).getByRole('button', { name: "All copies in your cart: Poor Charlie's Almanack" })).toBeDisabled();
    expect(screen.queryByText(/open your cart to/)).not.toBeInTheDocument();
  });

  it('quotes hold nothing: a cart only quoted is not given copies the catalogue counts as taken', async () => {
    const shelf = { 'poor-charlies-almanack': 3 };
    const listed = { 'poor-charlies-almanack': 3 };
    serveWithStock(shelf, listed);
    storeCart([{ id: 'poor-charlies-almanack', quantity: 3 }]);
    const { unmount } = renderApp('/checkout');
    await fillIn();
    unmount();

    // Someone else bought them: the cart's quotes held none of them.
    listed['poor-charlies-almanack'] = 0;
    renderApp('/');

    const heading = await screen.findByRole('heading', { name: "Poor Charlie's Almanack" });
    expect(within(heading.closest('li')!).getByText('Sold out')).toBeInTheDocument();
  });
});
