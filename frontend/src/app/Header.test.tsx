import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { mockFetch } from '../testing/fetchMock';
import { books, demoConfig } from '../testing/fixtures';
import { renderApp } from './testing';

// The cart drawer's chunk, held back until the test lets it arrive.
const drawerChunk = vi.hoisted(() => {
  let arrive = () => {};
  const arrived = new Promise<void>((resolve) => (arrive = resolve));
  return { arrived, arrive: () => arrive() };
});
vi.mock('../features/cart/CartDrawer', async (importOriginal) => {
  await drawerChunk.arrived;
  return importOriginal();
});

describe('header', () => {
  it('opens the cart clicked before the drawer’s code has arrived, once it does', async () => {
    mockFetch([
      { path: '/config', reply: { body: demoConfig } },
      { path: '/api/books', reply: { body: { books } } },
    ]);
    const user = userEvent.setup();
    renderApp('/');

    // The shop renders without it.
    expect(await screen.findByRole('heading', { name: 'The Dream Machine' })).toBeInTheDocument();
    const button = screen.getByRole('button', { name: 'Cart (0 items)' });
    await user.click(button);
    expect(button).toHaveAttribute('aria-expanded', 'true');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();

    drawerChunk.arrive();
    expect(await screen.findByRole('dialog', { name: 'Your cart' })).toHaveFocus();
  });
});
