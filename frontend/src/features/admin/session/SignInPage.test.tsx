import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { expectNoAxeViolations } from '../../../testing/axe';
import { apiError, mockFetch, type RecordedRequest, type Reply } from '../../../testing/fetchMock';
import { NOT_SIGNED_IN, OWNER, orderRow, renderAdmin, serveAdmin, session, SESSION_PATH, stockRow } from '../testing';

const ORDERS = '/api/admin/orders';
const PASSWORD = 'correct horse battery staple';

const field = (name: string | RegExp) => screen.getByLabelText(name);
const location = () => screen.getByTestId('location').textContent;

/** The server before and after signing in: GET /session is 401 until POST /session answers. */
function serveSignIn(signIn: Reply | ((request: RecordedRequest) => Reply) = { body: session }) {
  return serveAdmin(
    [
      { method: 'POST', path: SESSION_PATH, reply: signIn },
      { path: ORDERS, reply: { body: { orders: [orderRow()], page: 1, pageSize: 25, total: 1 } } },
    ],
    { signedIn: false },
  );
}

async function signIn(code = '123456') {
  const user = userEvent.setup();
  await user.type(field('Email'), OWNER);
  await user.type(field('Password'), PASSWORD);
  await user.type(field(/Code from your authenticator app|Recovery code/), code);
  await user.click(screen.getByRole('button', { name: 'Sign in' }));
  return user;
}

describe('signing in', () => {
  it('sends an owner with no session from a dashboard page to the sign-in page, replacing the page in the history', async () => {
    const network = serveSignIn();
    const { history } = renderAdmin('/admin/orders');

    expect(await screen.findByRole('heading', { level: 1, name: 'Sign in' })).toBeInTheDocument();
    expect(location()).toBe('/admin/sign-in');
    expect(history).toEqual(['/admin/sign-in']);
    expect(network.callsTo(ORDERS)).toHaveLength(0);
    expect(screen.queryByRole('button', { name: 'Sign out' })).not.toBeInTheDocument();
  });

  it('asks for email, password and code in labelled fields the browser and password managers understand', async () => {
    serveSignIn();
    renderAdmin('/admin/sign-in');

    await screen.findByRole('heading', { level: 1, name: 'Sign in' });
    expect(field('Email')).toHaveAttribute('autocomplete', 'username');
    expect(field('Password')).toHaveAttribute('type', 'password');
    expect(field('Password')).toHaveAttribute('autocomplete', 'current-password');
    expect(field('Code from your authenticator app')).toHaveAttribute('autocomplete', 'one-time-code');
    expect(field('Code from your authenticator app')).toHaveAccessibleDescription('The 6 digits your app shows now.');
    await expectNoAxeViolations('the sign-in page');
  });

  it('says what is missing beside each field, focuses the first, and sends nothing', async () => {
    const network = serveSignIn();
    renderAdmin('/admin/sign-in');
    const user = userEvent.setup();

    await user.type(await screen.findByLabelText('Password'), PASSWORD);
    await user.click(screen.getByRole('button', { name: 'Sign in' }));

    await waitFor(() => expect(field('Email')).toHaveFocus());
    expect(field('Email')).toHaveAccessibleDescription('Error: Enter your email address.');
    expect(field('Email')).toBeInvalid();
    expect(field('Code from your authenticator app')).toHaveAccessibleDescription(
      'Error: Enter the code your app shows now. The 6 digits your app shows now.',
    );
    expect(network.callsTo(SESSION_PATH, 'POST')).toHaveLength(0);
    await expectNoAxeViolations('the sign-in page with errors');
  });

  it('signs in and goes to the orders, with the owner’s email and Sign out in the header', async () => {
    const network = serveSignIn();
    const { history } = renderAdmin('/admin/sign-in');
    await screen.findByRole('heading', { name: 'Sign in' });

    await signIn(' 123456 ');

    expect(await screen.findByRole('heading', { level: 1, name: 'Orders' })).toBeInTheDocument();
    expect(network.callsTo(SESSION_PATH, 'POST').map((call) => call.body)).toEqual([
      { email: OWNER, password: PASSWORD, code: '123456' },
    ]);
    expect(location()).toBe('/admin/orders');
    // The sign-in page is not left in the history for Back to return to.
    expect(history).toEqual(['/admin/orders']);
    const banner = screen.getByRole('banner');
    expect(banner).toHaveTextContent(OWNER);
    expect(within(banner).getByRole('button', { name: 'Sign out' })).toBeInTheDocument();
    expect(within(banner).getByRole('button', { name: 'Sign out everywhere' })).toBeInTheDocument();
    expect(await screen.findByRole('link', { name: 'SP-7K3M9Q' })).toBeInTheDocument();
  });

  it('says the server’s refusal in an alert, and clears the used code', async () => {
    serveSignIn(apiError(401, 'sign_in_failed', 'The email, password or code is not right.'));
    renderAdmin('/admin/sign-in');
    await screen.findByRole('heading', { name: 'Sign in' });

    await signIn();

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent("We couldn't sign you in");
    expect(alert).toHaveTextContent('The email, password or code is not right.');
    expect(field('Code from your authenticator app')).toHaveValue('');
    expect(field('Email')).toHaveValue(OWNER);
    expect(location()).toBe('/admin/sign-in');
    await expectNoAxeViolations('the sign-in page after a refusal');
  });

  it('says how long to wait after too many tries (429 with Retry-After)', async () => {
    serveSignIn({
      ...apiError(429, 'sign_in_throttled', 'Too many failed sign-ins from this connection.'),
      headers: { 'Retry-After': '300' },
    });
    renderAdmin('/admin/sign-in');
    await screen.findByRole('heading', { name: 'Sign in' });

    await signIn();

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Too many tries');
    expect(alert).toHaveTextContent('Too many failed sign-ins from this connection. Try again in 5 minutes.');
  });

  it('says when the shop cannot be reached', async () => {
    serveSignIn('network-error');
    renderAdmin('/admin/sign-in');
    await screen.findByRole('heading', { name: 'Sign in' });

    await signIn();

    expect(await screen.findByRole('alert')).toHaveTextContent("Can't reach the shop");
  });

  it('takes a recovery code instead of the app’s code when asked', async () => {
    const network = serveSignIn();
    renderAdmin('/admin/sign-in');
    const user = userEvent.setup();
    await screen.findByRole('heading', { name: 'Sign in' });

    await user.click(screen.getByRole('button', { name: 'Lost your phone? Use a recovery code instead' }));

    expect(field('Recovery code')).toHaveFocus();
    expect(field('Recovery code')).toHaveAccessibleDescription(/One of the ten recovery codes you saved/);
    expect(field('Recovery code')).toHaveAttribute('autocomplete', 'off');
    await signIn('abcd-efgh-jkmn');

    await screen.findByRole('heading', { level: 1, name: 'Orders' });
    expect(network.callsTo(SESSION_PATH, 'POST')[0]?.body).toMatchObject({ code: 'abcd-efgh-jkmn' });
  });

  it('shows a signed-in owner the dashboard at once after a reload (GET /api/admin/session)', async () => {
    serveAdmin([{ path: ORDERS, reply: { body: { orders: [], page: 1, pageSize: 25, total: 0 } } }]);
    renderAdmin('/admin');

    expect(await screen.findByRole('heading', { level: 1, name: 'Orders' })).toBeInTheDocument();
    expect(location()).toBe('/admin/orders');
    expect(await screen.findByText('No orders yet.')).toBeInTheDocument();
  });

  it('says when the session cannot be checked, and checks again when asked', async () => {
    const network = mockFetch([
      // The session check fails once, then answers.
      { path: SESSION_PATH, reply: (_request, call) => (call === 0 ? 'network-error' : { body: session }) },
      { path: ORDERS, reply: { body: { orders: [], page: 1, pageSize: 25, total: 0 } } },
    ]);
    renderAdmin('/admin/orders');

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent("We couldn't check your session");
    await userEvent.setup().click(within(alert).getByRole('button', { name: 'Try again' }));

    expect(await screen.findByText('No orders yet.')).toBeInTheDocument();
    expect(network.callsTo(SESSION_PATH, 'GET')).toHaveLength(2);
  });
});

describe('a session that ends by itself', () => {
  it('sends the owner to sign in when any call answers 401 not_signed_in, then back to the same page', async () => {
    let signedIn = true;
    const order = orderRow();
    const network = serveAdmin([
      { path: ORDERS, reply: { body: { orders: [order], page: 1, pageSize: 25, total: 1 } } },
      { path: '/api/admin/stock', reply: () => (signedIn ? { body: { books: [stockRow()] } } : NOT_SIGNED_IN) },
      {
        method: 'POST',
        path: SESSION_PATH,
        reply: () => {
          signedIn = true;
          return { body: session };
        },
      },
    ]);
    const { go } = renderAdmin('/admin/orders');
    expect(await screen.findByRole('link', { name: order.number })).toBeInTheDocument();

    // The session ends on the server (30 minutes idle); the next call is refused.
    signedIn = false;
    await go('/admin/stock');

    expect(await screen.findByRole('heading', { level: 1, name: 'Sign in' })).toBeInTheDocument();
    expect(location()).toBe('/admin/sign-in');
    expect(screen.getByText('Your session has ended. Sign in again to carry on.')).toHaveAttribute('role', 'status');
    expect(screen.queryByText(OWNER)).not.toBeInTheDocument();

    await signIn();
    expect(await screen.findByRole('rowheader', { name: /The Dream Machine/ })).toBeInTheDocument();
    expect(location()).toBe('/admin/stock');
    expect(network.callsTo(SESSION_PATH, 'POST')).toHaveLength(1);
  });
});
