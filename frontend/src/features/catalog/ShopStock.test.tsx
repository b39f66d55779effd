import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import axe from 'axe-core';
import { describe, expect, it } from 'vitest';
import { mockFetch } from '../../testing/fetchMock';
import { demoConfig, stockBooks, storedCart } from '../../testing/fixtures';
import { renderApp } from '../../app/testing';

function serve() {
  return mockFetch([
    { path: '/config', reply: { body: demoConfig } },
    { path: '/api/books', reply: { body: { books: stockBooks } } },
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

async function cardOf(title: string): Promise<HTMLElement> {
  const heading = await screen.findByRole('heading', { name: title });
  return heading.closest('li')!;
}

describe('stock on the shelf', () => {
  it('says in words which titles are sold out or nearly, and a sold-out one cannot be added', async () => {
    serve();
    renderApp('/');

    const soldOut = await cardOf('The Big Score');
    const button = within(soldOut).getByRole('button', { name: 'Sold out: The Big Score' });
    expect(button).toBeDisabled();
    expect(button).toHaveTextContent('Sold out');
    expect(within(soldOut).queryByText(/left/)).not.toBeInTheDocument();

    const low = await cardOf("Poor Charlie's Almanack");
    expect(within(low).getByText('Only 3 left')).toBeInTheDocument();
    expect(within(low).getByRole('button', { name: "Add to cart: Poor Charlie's Almanack" })).toBeEnabled();

    const plenty = await cardOf('The Dream Machine');
    expect(within(plenty).queryByText(/left|Sold out/)).not.toBeInTheDocument();

    expect(await axeViolations()).toEqual([]);
  });

  it('adds a low-stock title only up to the copies available, then says why not', async () => {
    serve();
    const user = userEvent.setup();
    renderApp('/');

    const card = await cardOf("Poor Charlie's Almanack");
    const add = within(card).getByRole('button', { name: "Add to cart: Poor Charlie's Almanack" });
    for (let copy = 1; copy <= 3; copy += 1) await user.click(add);

    const full = within(card).getByRole('button', { name: "All copies in your cart: Poor Charlie's Almanack" });
    expect(full).toBeDisabled();
    expect(within(card).getByRole('status')).toHaveTextContent('3 in your cart');
    expect(screen.getByRole('button', { name: 'Cart (3 items)' })).toBeInTheDocument();
    expect(storedCart().items).toEqual([{ id: 'poor-charlies-almanack', quantity: 3 }]);
  });

  it('gives each book page its availability: sold out (and no add), only N left, or in stock', async () => {
    serve();
    const { unmount } = renderApp('/books/the-big-score');
    expect(await screen.findByRole('heading', { level: 1, name: 'The Big Score' })).toBeInTheDocument();
    expect(screen.getByText('Availability').nextElementSibling).toHaveTextContent('Sold out');
    expect(screen.getByRole('button', { name: 'Sold out: The Big Score' })).toBeDisabled();
    expect(await axeViolations()).toEqual([]);
    unmount();

    renderApp('/books/poor-charlies-almanack');
    expect(await screen.findByRole('heading', { level: 1, name: "Poor Charlie's Almanack" })).toBeInTheDocument();
    expect(screen.getByText('Availability').nextElementSibling).toHaveTextContent('Only 3 left');
    unmount();
  });

  it('says a plentiful title is in stock on its page', async () => {
    serve();
    renderApp('/books/the-dream-machine');

    expect(await screen.findByRole('heading', { level: 1, name: 'The Dream Machine' })).toBeInTheDocument();
    expect(screen.getByText('Availability').nextElementSibling).toHaveTextContent('In stock');
  });
});
