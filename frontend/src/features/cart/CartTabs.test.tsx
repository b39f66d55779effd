import { act, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { renderApp } from '../../app/testing';
import { mockFetch, type Reply } from '../../testing/fetchMock';
import { CART_ID, book, books, demoConfig, storeCart, storedCart } from '../../testing/fixtures';
import { CART_STORAGE_KEY } from './cartStorage';

/** A title the shop started selling after this tab loaded its catalogue. */
const newTitle = book({ id: 'the-new-title', title: 'The New Title', price: 1500 });

/** What another tab of the shop does when its cart changes: save it, which this tab hears of. */
function otherTabSaves(items: { id: string; quantity: number }[]) {
  const value = JSON.stringify({ version: 2, cartId: CART_ID, items });
  localStorage.setItem(CART_STORAGE_KEY, value);
  act(() => {
    window.dispatchEvent(new StorageEvent('storage', { key: CART_STORAGE_KEY, newValue: value }));
  });
}

/** The shop whose first catalogue is `books`, and whose next ones come from `later`. */
function serveShop(later: (call: number) => Reply | Promise<Reply>) {
  return mockFetch([
    { path: '/config', reply: { body: demoConfig } },
    { path: '/api/books', reply: (_request, call) => (call === 0 ? { body: { books } } : later(call)) },
  ]);
}

describe('one cart in several tabs', () => {
  it("keeps a title another tab added that this tab's catalogue does not list yet, and shows it once a newer one does", async () => {
    let answer: (reply: Reply) => void = () => {};
    const network = serveShop(() => new Promise<Reply>((resolve) => (answer = resolve)));
    storeCart([{ id: 'the-dream-machine', quantity: 1 }]);
    const user = userEvent.setup();
    renderApp('/');
    await screen.findByRole('heading', { name: 'The Dream Machine' });

    otherTabSaves([
      { id: 'the-dream-machine', quantity: 1 },
      { id: 'the-new-title', quantity: 2 },
    ]);

    // Not priced or counted while unknown here, but never deleted from the shared cart...
    expect(screen.getByRole('button', { name: 'Cart (1 item)' })).toBeInTheDocument();
    expect(storedCart().items).toContainEqual({ id: 'the-new-title', quantity: 2 });
    // ...even when this tab changes the cart meanwhile.
    await user.click(screen.getByRole('button', { name: 'Add to cart: Stubborn Attachments' }));
    expect(storedCart().items).toEqual([
      { id: 'the-dream-machine', quantity: 1 },
      { id: 'the-new-title', quantity: 2 },
      { id: 'stubborn-attachments', quantity: 1 },
    ]);
    expect(screen.queryByText(/no longer sold here/)).not.toBeInTheDocument();

    // This tab asks for a newer catalogue, which lists the title.
    expect(network.callsTo('/api/books')).toHaveLength(2);
    answer({ body: { books: [...books, newTitle] } });

    expect(await screen.findByRole('button', { name: 'Cart (4 items)' })).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Cart (4 items)' }));
    expect(within(screen.getByRole('dialog', { name: 'Your cart' })).getByText('The New Title')).toBeInTheDocument();
  });

  it('removes the line, and says so, when a catalogue asked for after it arrived does not list it', async () => {
    // Every reading of the clock a moment later than the last.
    let now = Date.UTC(2026, 10, 27);
    vi.spyOn(Date, 'now').mockImplementation(() => (now += 1));
    const network = serveShop(() => ({ body: { books } }));
    storeCart([{ id: 'the-dream-machine', quantity: 1 }]);
    renderApp('/');
    await screen.findByRole('heading', { name: 'The Dream Machine' });

    otherTabSaves([
      { id: 'the-dream-machine', quantity: 1 },
      { id: 'withdrawn-meanwhile', quantity: 1 },
    ]);

    expect(await screen.findByText(/no longer sold here/)).toBeInTheDocument();
    expect(network.callsTo('/api/books')).toHaveLength(2);
    expect(storedCart().items).toEqual([{ id: 'the-dream-machine', quantity: 1 }]);
  });

  it('lowers a saved line above the quantity limit to the limit instead of dropping it', async () => {
    serveShop(() => ({ body: { books } }));
    storeCart([{ id: 'the-dream-machine', quantity: 14 }]);
    renderApp('/');

    expect(await screen.findByRole('button', { name: 'Cart (10 items)' })).toBeInTheDocument();
    expect(storedCart().items).toEqual([{ id: 'the-dream-machine', quantity: 10 }]);
  });
});
