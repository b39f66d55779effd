import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { mockFetch } from '../testing/fetchMock';
import { books, demoConfig } from '../testing/fixtures';
import { reloadPage } from './reloadPage';
import { renderApp } from './testing';

vi.mock('./reloadPage', () => ({ reloadPage: vi.fn() }));
// A page whose chunk loads but that fails to render...
vi.mock('../features/order-lookup/OrderLookupPage', () => ({
  default: function BrokenPage(): never {
    throw new Error('Cannot read properties of undefined');
  },
}));
// ...and one whose chunk no longer exists on the server (a tab left open across a deploy).
vi.mock('../features/success/SuccessPage', () => {
  throw new TypeError('Failed to fetch dynamically imported module: /assets/SuccessPage-old.js');
});

const RELOADED_KEY = 'bookstore.reloadedForNewBuild';

beforeEach(() => {
  mockFetch([
    { path: '/config', reply: { body: demoConfig } },
    { path: '/api/books', reply: { body: { books } } },
  ]);
  // React reports each caught error; these are the tests' own.
  vi.spyOn(console, 'error').mockImplementation(() => {});
});

async function findPageError() {
  const alert = await screen.findByRole('alert');
  expect(within(alert).getByRole('heading', { level: 1 })).toHaveTextContent("This page didn't load");
  expect(alert).toHaveTextContent('your cart is saved');
  return alert;
}

describe('a page that fails', () => {
  it('shows an error with a Reload button, not a blank app, when the page fails to render', async () => {
    const user = userEvent.setup();
    renderApp('/orders/find');

    const alert = await findPageError();
    await user.click(within(alert).getByRole('button', { name: 'Reload' }));
    expect(reloadPage).toHaveBeenCalledTimes(1);
  });

  it("shows the error when the page's chunk fails to load, with the header still working", async () => {
    const user = userEvent.setup();
    renderApp('/success?payment_intent=pi_1&payment_intent_client_secret=pi_1_secret_x');

    await findPageError();
    expect(screen.getByRole('button', { name: 'Cart (0 items)' })).toBeInTheDocument();
    await user.click(screen.getByRole('link', { name: 'Stripe Press' }));

    // Another page starts afresh.
    expect(await screen.findByRole('heading', { level: 1, name: 'Ideas for progress' })).toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('keeps the mark of a reload for a new build while chunks fail, and clears it once a page chunk loads', async () => {
    // Routes as a new page load has them: no page chunk loaded yet.
    vi.resetModules();
    const fresh = await import('./testing');
    sessionStorage.setItem(RELOADED_KEY, '1');
    const view = fresh.renderApp('/success?payment_intent=pi_1&payment_intent_client_secret=pi_1_secret_x');
    await findPageError();
    expect(sessionStorage.getItem(RELOADED_KEY)).toBe('1');
    view.unmount();

    fresh.renderApp('/orders/find');
    await findPageError();
    expect(sessionStorage.getItem(RELOADED_KEY)).toBeNull();
  });
});
