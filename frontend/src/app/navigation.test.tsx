import { act, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { Router } from 'wouter';
import { memoryLocation } from 'wouter/memory-location';
import { mockFetch } from '../testing/fetchMock';
import { books, demoConfig } from '../testing/fixtures';
import { AppProviders } from './providers';
import { AppRoutes } from './routes';

/** The whole app at `path`, with a handle to move it elsewhere as Back or a link would. */
function renderAt(path: string) {
  mockFetch([
    { path: '/config', reply: { body: demoConfig } },
    { path: '/api/books', reply: { body: { books } } },
  ]);
  const { hook, navigate } = memoryLocation({ path });
  render(
    <Router hook={hook}>
      <AppProviders>
        <AppRoutes />
      </AppProviders>
    </Router>,
  );
  return {
    go: (to: string) =>
      act(() => {
        navigate(to);
      }),
  };
}

const scrolledTo = () => document.documentElement.scrollTop;

describe('moving between pages', () => {
  it('leaves focus and scroll as the browser opened the first page, and names it in the tab', async () => {
    document.documentElement.scrollTop = 300;
    renderAt('/');

    expect(await screen.findByRole('heading', { level: 1, name: 'Ideas for progress' })).toBeInTheDocument();
    expect(document.title).toBe('Ideas for progress · Stripe Press');
    expect(document.body).toHaveFocus();
    expect(scrolledTo()).toBe(300);
  });

  it("scrolls to the top, focuses the new page's heading and names it in the tab", async () => {
    const { go } = renderAt('/');
    await screen.findByRole('heading', { level: 1, name: 'Ideas for progress' });
    document.documentElement.scrollTop = 800;

    go('/books/the-dream-machine');
    const heading = await screen.findByRole('heading', { level: 1, name: 'The Dream Machine' });
    expect(heading).toHaveFocus();
    expect(heading).toHaveAttribute('tabindex', '-1');
    expect(scrolledTo()).toBe(0);
    expect(document.title).toBe('The Dream Machine · Stripe Press');

    document.documentElement.scrollTop = 500;
    go('/no-such-page');
    expect(screen.getByRole('heading', { level: 1, name: 'Page not found' })).toHaveFocus();
    expect(scrolledTo()).toBe(0);
    expect(document.title).toBe('Page not found · Stripe Press');
  });

  it("focuses a lazily loaded page's heading once its chunk is in", async () => {
    const { go } = renderAt('/');
    await screen.findByRole('heading', { level: 1, name: 'Ideas for progress' });

    go('/orders/find');
    // Named at once, while the page's chunk may still be on its way.
    expect(document.title).toBe('Find your order · Stripe Press');
    await waitFor(() => expect(screen.getByRole('heading', { level: 1, name: 'Find your order' })).toHaveFocus());
  });

  it('closes the cart drawer when the page changes', async () => {
    const user = userEvent.setup();
    const { go } = renderAt('/');
    await user.click(await screen.findByRole('button', { name: 'Cart (0 items)' }));
    expect(screen.getByRole('dialog', { name: 'Your cart' })).toBeInTheDocument();

    go('/books/stubborn-attachments');

    expect(screen.queryByRole('dialog', { name: 'Your cart' })).not.toBeInTheDocument();
    expect(await screen.findByRole('heading', { level: 1, name: 'Stubborn Attachments' })).toHaveFocus();
    // Opened again on the new page, it stays open.
    await user.click(screen.getByRole('button', { name: 'Cart (0 items)' }));
    expect(screen.getByRole('dialog', { name: 'Your cart' })).toBeInTheDocument();
  });
});
