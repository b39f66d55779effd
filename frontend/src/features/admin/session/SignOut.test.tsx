import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { apiError, mockFetch, type Reply } from '../../../testing/fetchMock';
import { adminOrder, CSRF, NOT_SIGNED_IN, OWNER, renderAdmin, serveAdmin, session, SESSION_PATH } from '../testing';

const ORDER = adminOrder();
const ORDER_PATH = `/api/admin/orders/${ORDER.number}`;
const REVOKE_ALL = '/api/admin/sessions/revoke-all';

/** A signed-in owner on the order's page; DELETE /session and revoke-all answer as given. */
function serveSignedIn({ signOut = { body: { signedOut: true } }, everywhere = { body: { sessionsEnded: 3 } } }: {
  signOut?: Reply;
  everywhere?: Reply;
} = {}) {
  return serveAdmin([
    { path: ORDER_PATH, reply: { body: ORDER } },
    { path: `${ORDER_PATH}/refunds`, reply: { body: { refunds: [], refundable: { amount: 0, lines: [], shipping: 0 } } } },
    { method: 'DELETE', path: SESSION_PATH, reply: signOut },
    { method: 'POST', path: REVOKE_ALL, reply: everywhere },
  ]);
}

/** Nothing of the order or the owner is left on the page. */
function expectNoAdminData() {
  const page = document.body.textContent ?? '';
  for (const shown of [ORDER.email!, 'Ada Lovelace', 'The Dream Machine', OWNER, 'pi_demo_123']) {
    expect(page).not.toContain(shown);
  }
}

async function openOrder() {
  const rendered = renderAdmin(`/admin/orders/${ORDER.number}`);
  expect(await screen.findByText('Ada Lovelace')).toBeInTheDocument();
  return rendered;
}

/** What the browser fires when it shows a page again from its back-forward cache. */
function restoreFromBackForwardCache() {
  const restored = new Event('pageshow');
  Object.defineProperty(restored, 'persisted', { value: true });
  act(() => {
    window.dispatchEvent(restored);
  });
}

describe('signing out', () => {
  it('ends the session on the server with the CSRF token, forgets the order and goes to sign-in, replacing the page', async () => {
    const network = serveSignedIn();
    const { history } = await openOrder();
    const user = userEvent.setup();

    await user.click(within(screen.getByRole('banner')).getByRole('button', { name: 'Sign out' }));

    expect(await screen.findByRole('heading', { level: 1, name: 'Sign in' })).toBeInTheDocument();
    const [signOut] = network.callsTo(SESSION_PATH, 'DELETE');
    expect(signOut?.headers['x-csrf-token']).toBe(CSRF);
    expect(screen.getByText("You've signed out.")).toHaveAttribute('role', 'status');
    expectNoAdminData();
    expect(history.at(-1)).toBe('/admin/sign-in');
    // The order's page was replaced by the sign-in page, not left behind it.
    expect(history).not.toContain(`/admin/orders/${ORDER.number}`);
    // Focus starts on the new page's heading, not lost with the button.
    await waitFor(() => expect(screen.getByRole('heading', { level: 1, name: 'Sign in' })).toHaveFocus());
  });

  it('shows nothing of the dashboard when Back returns to one of its pages, and asks the server nothing', async () => {
    const network = serveSignedIn();
    const { go } = await openOrder();
    await userEvent.setup().click(screen.getByRole('button', { name: 'Sign out' }));
    await screen.findByRole('heading', { level: 1, name: 'Sign in' });
    const asked = network.calls.length;

    // Back, to an entry of the history from before the sign-out.
    await go(`/admin/orders/${ORDER.number}`);

    expect(await screen.findByRole('heading', { level: 1, name: 'Sign in' })).toBeInTheDocument();
    expect(screen.getByTestId('location')).toHaveTextContent('/admin/sign-in');
    expectNoAdminData();
    expect(network.calls).toHaveLength(asked);
  });

  it('keeps the owner signed in, and says so, when the server could not be told', async () => {
    const network = serveSignedIn({ signOut: 'network-error' });
    await openOrder();

    await userEvent.setup().click(screen.getByRole('button', { name: 'Sign out' }));

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent("We couldn't sign you out");
    expect(alert).toHaveTextContent('You are still signed in: try again.');
    expect(screen.getByText('Ada Lovelace')).toBeInTheDocument();
    expect(network.callsTo(SESSION_PATH, 'DELETE')).toHaveLength(1);
  });

  it('treats a session the server had already ended as signed out', async () => {
    serveSignedIn({ signOut: apiError(401, 'not_signed_in', 'Sign in to continue.') });
    await openOrder();

    await userEvent.setup().click(screen.getByRole('button', { name: 'Sign out' }));

    expect(await screen.findByRole('heading', { level: 1, name: 'Sign in' })).toBeInTheDocument();
    expect(screen.getByText("You've signed out.")).toBeInTheDocument();
    expectNoAdminData();
  });

  it('signs out everywhere: every session ends, with the CSRF token, and the page says how many', async () => {
    const network = serveSignedIn();
    await openOrder();

    await userEvent.setup().click(screen.getByRole('button', { name: 'Sign out everywhere' }));

    expect(await screen.findByRole('heading', { level: 1, name: 'Sign in' })).toBeInTheDocument();
    expect(network.callsTo(REVOKE_ALL, 'POST')[0]?.headers['x-csrf-token']).toBe(CSRF);
    expect(screen.getByText("You've signed out everywhere: 3 sessions ended, this one included.")).toBeInTheDocument();
    expectNoAdminData();
  });

  it('forgets what a page restored from the back-forward cache showed, and asks the server again', async () => {
    const network = serveSignedIn();
    await openOrder();

    restoreFromBackForwardCache();

    // At once, before the server answers: nothing of the order is shown.
    expectNoAdminData();
    expect(await screen.findByText('Ada Lovelace')).toBeInTheDocument();
    expect(network.callsTo(SESSION_PATH, 'GET')).toHaveLength(2);
    expect(network.callsTo(ORDER_PATH, 'GET')).toHaveLength(2);
  });

  it('goes to sign-in from a page restored from the back-forward cache once the session has ended', async () => {
    let ended = false;
    mockFetch([
      { path: SESSION_PATH, reply: () => (ended ? NOT_SIGNED_IN : { body: session }) },
      { path: ORDER_PATH, reply: { body: ORDER } },
      { path: `${ORDER_PATH}/refunds`, reply: { body: { refunds: [], refundable: { amount: 0, lines: [], shipping: 0 } } } },
    ]);
    await openOrder();
    // Signed out meanwhile (in another tab, or everywhere): the next check is refused.
    ended = true;

    restoreFromBackForwardCache();

    expect(await screen.findByRole('heading', { level: 1, name: 'Sign in' })).toBeInTheDocument();
    expectNoAdminData();
  });
});
