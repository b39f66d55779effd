import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { mockFetch } from '../testing/fetchMock';
import { books, demoConfig } from '../testing/fixtures';
import { LocationProbe, MemoryRouter } from '../testing/render';
import { App } from './App';

function renderAt(route: string) {
  return render(
    <MemoryRouter route={route}>
      <App />
      <LocationProbe />
    </MemoryRouter>,
  );
}

describe('the owner’s dashboard inside the app', () => {
  it('loads at /admin without the shop: no catalogue, config, cart or shop header', async () => {
    const network = mockFetch([
      { path: '/api/admin/session', reply: { status: 401, body: { error: { code: 'not_signed_in', message: 'Sign in to continue.' } } } },
    ]);
    renderAt('/admin/orders');

    expect(await screen.findByRole('heading', { level: 1, name: 'Sign in' })).toBeInTheDocument();
    expect(screen.getByTestId('location')).toHaveTextContent('/admin/sign-in');
    expect(network.calls.map((call) => call.path)).toEqual(['/api/admin/session']);
    expect(screen.queryByRole('button', { name: /cart/i })).not.toBeInTheDocument();
    expect(document.title).toBe("Sign in · Owner's dashboard · Stripe Press");
  });

  it('leaves paths that only start with "admin" to the shop', async () => {
    mockFetch([
      { path: '/config', reply: { body: demoConfig } },
      { path: '/api/books', reply: { body: { books } } },
    ]);
    renderAt('/administrator');

    expect(await screen.findByRole('heading', { level: 1, name: 'Page not found' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Back to the shop' })).toBeInTheDocument();
  });
});
