import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { mockFetch } from '../../testing/fetchMock';
import axe from 'axe-core';
import { books, demoConfig, stockBooks, storeCart, storedCart } from '../../testing/fixtures';
import { renderApp } from '../../app/testing';

function serveShop(catalogue = books) {
  return mockFetch([
    { path: '/config', reply: { body: demoConfig } },
    { path: '/api/books', reply: { body: { books: catalogue } } },
  ]);
}

/** axe-core's WCAG A and AA rules over the page (colour contrast needs a real browser: e2e). */
async function axeViolations(): Promise<string[]> {
  const results = await axe.run(document.body, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
    rules: { 'color-contrast': { enabled: false } },
  });
  return results.violations.map((violation) => `${violation.id}: ${violation.help}`);
}

function lineOf(drawer: HTMLElement, title: string): HTMLElement {
  return within(drawer).getByText(title, { selector: '.cart-line__title' }).closest('li')!;
}

async function openCart(user: ReturnType<typeof userEvent.setup>) {
  await user.click(await screen.findByRole('button', { name: /^Cart \(/ }));
  return screen.getByRole('dialog', { name: 'Your cart' });
}

describe('cart drawer', () => {
  it('changes quantities, removes lines and keeps the subtotal in step', async () => {
    serveShop();
    storeCart([
      { id: 'the-dream-machine', quantity: 1 },
      { id: 'stubborn-attachments', quantity: 2 },
    ]);
    const user = userEvent.setup();
    renderApp('/');
    await screen.findByRole('heading', { name: 'The Dream Machine' });

    const drawer = await openCart(user);
    const subtotal = () => within(drawer).getByText('Subtotal').nextElementSibling;
    expect(subtotal()).toHaveTextContent('$70.00');

    await user.click(within(drawer).getByRole('button', { name: 'Increase quantity of The Dream Machine' }));
    expect(subtotal()).toHaveTextContent('$100.00');
    expect(screen.getByRole('button', { name: 'Cart (4 items)' })).toBeInTheDocument();

    await user.click(within(drawer).getByRole('button', { name: 'Decrease quantity of Stubborn Attachments' }));
    expect(subtotal()).toHaveTextContent('$80.00');

    await user.click(within(drawer).getByRole('button', { name: 'Remove The Dream Machine' }));
    expect(within(drawer).queryByText('The Dream Machine')).not.toBeInTheDocument();
    expect(subtotal()).toHaveTextContent('$20.00');
    expect(storedCart().items).toEqual([{ id: 'stubborn-attachments', quantity: 1 }]);
  });

  it('caps a line at 10 and does not go below 1', async () => {
    serveShop();
    storeCart([{ id: 'the-dream-machine', quantity: 9 }]);
    const user = userEvent.setup();
    renderApp('/');
    await screen.findByRole('heading', { name: 'The Dream Machine' });
    const drawer = await openCart(user);

    const increase = within(drawer).getByRole('button', { name: 'Increase quantity of The Dream Machine' });
    await user.click(increase);
    expect(increase).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Cart (10 items)' })).toBeInTheDocument();

    const decrease = within(drawer).getByRole('button', { name: 'Decrease quantity of The Dream Machine' });
    for (let i = 0; i < 9; i += 1) await user.click(decrease);
    expect(decrease).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Cart (1 item)' })).toBeInTheDocument();
  });

  it('closes on Escape and gives focus back to the cart button', async () => {
    serveShop();
    const user = userEvent.setup();
    renderApp('/');

    const drawer = await openCart(user);
    expect(drawer).toHaveFocus();
    await user.keyboard('{Escape}');

    expect(screen.queryByRole('dialog', { name: 'Your cart' })).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Cart (0 items)' })).toHaveFocus();
  });

  it('closes on Escape even when what had focus inside it went away', async () => {
    serveShop();
    const user = userEvent.setup();
    renderApp('/');

    await openCart(user);
    // A cart line re-rendered by a new quote takes the focused button with it.
    (document.activeElement as HTMLElement).blur();
    expect(document.body).toHaveFocus();
    await user.keyboard('{Escape}');

    expect(screen.queryByRole('dialog', { name: 'Your cart' })).not.toBeInTheDocument();
  });

  it('offers checkout only when the cart has books', async () => {
    serveShop();
    const user = userEvent.setup();
    renderApp('/');

    let drawer = await openCart(user);
    expect(within(drawer).getByText('Your cart is empty')).toBeInTheDocument();
    expect(within(drawer).queryByRole('link', { name: 'Checkout' })).not.toBeInTheDocument();
    await user.keyboard('{Escape}');

    await user.click(await screen.findByRole('button', { name: 'Add to cart: The Dream Machine' }));
    drawer = await openCart(user);
    await user.click(within(drawer).getByRole('link', { name: 'Checkout' }));

    // The checkout route is lazily loaded, so the navigation lands once its chunk is in.
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent('/checkout'));
    expect(screen.queryByRole('dialog', { name: 'Your cart' })).not.toBeInTheDocument();
  });

  it('drops books the shop no longer sells and tells the shopper', async () => {
    serveShop();
    storeCart([
      { id: 'the-dream-machine', quantity: 1 },
      { id: 'withdrawn-title', quantity: 2 },
    ]);
    renderApp('/');

    expect(await screen.findByText(/no longer sold here/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Cart (1 item)' })).toBeInTheDocument();
    await waitFor(() => expect(storedCart().items).toEqual([{ id: 'the-dream-machine', quantity: 1 }]));
  });

  it('keeps lines that ran short, says what to do with each, and lets the shopper fix them', async () => {
    serveShop(stockBooks);
    storeCart([
      { id: 'the-big-score', quantity: 1 },
      { id: 'poor-charlies-almanack', quantity: 5 },
      { id: 'the-dream-machine', quantity: 1 },
    ]);
    const user = userEvent.setup();
    renderApp('/');
    await screen.findByRole('heading', { name: 'The Dream Machine' });

    // Said on the page too, and nothing dropped.
    expect(
      await screen.findByText(
        '2 books in your cart have sold out or have fewer copies left than you chose: open your cart to change them.',
      ),
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Cart (7 items)' })).toBeInTheDocument();
    expect(storedCart().items).toHaveLength(3);

    const drawer = await openCart(user);
    const soldOut = lineOf(drawer, 'The Big Score');
    expect(soldOut).toHaveTextContent('Sold out. Remove it to check out.');
    expect(within(soldOut).getByRole('button', { name: 'Increase quantity of The Big Score' })).toBeDisabled();
    const low = lineOf(drawer, "Poor Charlie's Almanack");
    expect(low).toHaveTextContent('Only 3 left, and 5 in your cart. Reduce to 3 to check out.');
    expect(within(low).getByRole('group', { name: "Quantity of Poor Charlie's Almanack" })).toHaveAccessibleDescription(
      /Only 3 left, and 5 in your cart/,
    );
    expect(lineOf(drawer, 'The Dream Machine')).not.toHaveTextContent(/left|Sold out/);
    expect(drawer).toHaveTextContent(
      '2 books above are sold out or have fewer copies left than you chose: change them before you check out.',
    );
    expect(await axeViolations()).toEqual([]);

    await user.click(within(low).getByRole('button', { name: "Reduce to 3: Poor Charlie's Almanack" }));
    expect(within(low).getByRole('group', { name: "Quantity of Poor Charlie's Almanack" })).toHaveTextContent('3');
    // The button went with the problem: focus stays on the line, inside the drawer.
    expect(within(low).getByText("Poor Charlie's Almanack")).toHaveFocus();
    expect(low).toHaveTextContent('Only 3 left');
    expect(low).not.toHaveTextContent('Reduce');
    expect(within(low).getByRole('button', { name: "Increase quantity of Poor Charlie's Almanack" })).toBeDisabled();
    expect(drawer).toHaveTextContent('One book above is sold out: remove it before you check out.');

    await user.click(within(soldOut).getByRole('button', { name: 'Remove The Big Score' }));
    expect(drawer).not.toHaveTextContent(/before you check out/);
    expect(screen.queryByText(/open your cart to change/)).not.toBeInTheDocument();
    expect(storedCart().items).toEqual([
      { id: 'poor-charlies-almanack', quantity: 3 },
      { id: 'the-dream-machine', quantity: 1 },
    ]);
  });

  it('caps a line at the copies available', async () => {
    serveShop(stockBooks);
    storeCart([{ id: 'poor-charlies-almanack', quantity: 1 }]);
    const user = userEvent.setup();
    renderApp('/');
    await screen.findByRole('heading', { name: 'The Dream Machine' });
    const drawer = await openCart(user);

    const increase = within(drawer).getByRole('button', { name: "Increase quantity of Poor Charlie's Almanack" });
    await user.click(increase);
    await user.click(increase);
    expect(increase).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Cart (3 items)' })).toBeInTheDocument();
    expect(screen.queryByText(/open your cart to change/)).not.toBeInTheDocument();
  });
});
