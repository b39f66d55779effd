import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectNoAxeViolations } from '../../../testing/axe';
import { apiError, mockFetch, type Reply } from '../../../testing/fetchMock';
import type { Authenticator } from '../api';
import { OWNER, renderAdmin } from '../testing';

const START = '/api/admin/enrolment/start';
const FINISH = '/api/admin/enrolment/finish';
const TOKEN = 'enrol-token-abc123';
// A QR code as the server draws it; with markup that must never reach the page's own DOM.
const QR_SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 29 29"><path d="M4 4h7v7H4z"/><script>alert(1)</script></svg>';
const CODES = Array.from({ length: 10 }, (_, index) => `code-${index}-abcd`);

const authenticator: Authenticator = {
  email: OWNER,
  secret: 'JBSWY3DPEHPK3PXPJBSWY3DP',
  otpauthUri: `otpauth://totp/Stripe%20Press:${OWNER}?secret=JBSWY3DPEHPK3PXPJBSWY3DP&issuer=Stripe%20Press`,
  qrSvg: QR_SVG,
  digits: 6,
  period: 30,
  linkExpiresAt: '2026-12-15T10:00:00Z',
};

function serve({ start = { body: authenticator }, finish = { body: { recoveryCodes: CODES } } }: { start?: Reply; finish?: Reply } = {}) {
  return mockFetch([
    { method: 'POST', path: START, reply: start },
    { method: 'POST', path: FINISH, reply: finish },
  ]);
}

/** Opens the link as `flask owners add` prints it: the token in the fragment. */
function openLink(fragment = `#token=${TOKEN}`) {
  window.history.replaceState(null, '', `/admin/enrol${fragment}`);
  return renderAdmin('/admin/enrol');
}

async function finish(password = 'a long and unguessable passphrase', code = '123456') {
  const user = userEvent.setup();
  await user.type(await screen.findByLabelText('New password'), password);
  await user.type(screen.getByLabelText('Code from your authenticator app'), code);
  await user.click(screen.getByRole('button', { name: 'Finish setting up' }));
  return user;
}

beforeEach(() => {
  window.history.replaceState(null, '', '/');
});

afterEach(() => {
  window.history.replaceState(null, '', '/');
});

describe('enrolment', () => {
  it('reads the token from the fragment, takes it out of the address, and shows the QR code as an image and the key as text', async () => {
    const network = serve();
    openLink();

    const qr = await screen.findByRole('img', { name: `QR code to add ${OWNER} to your authenticator app` });
    expect(network.callsTo(START, 'POST').map((call) => call.body)).toEqual([{ token: TOKEN }]);
    expect(window.location.hash).toBe('');
    expect(window.location.pathname).toBe('/admin/enrol');
    // The server's SVG is an image's source: none of its markup is in the page.
    expect(qr.getAttribute('src')).toBe(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(QR_SVG)}`);
    expect(document.querySelector('svg script, main script')).toBeNull();
    expect(screen.getByText('JBSW Y3DP EHPK 3PXP JBSW Y3DP')).toBeInTheDocument();
    expect(screen.getByLabelText('Email')).toHaveValue(OWNER);
    expect(screen.getByLabelText('New password')).toHaveAttribute('autocomplete', 'new-password');
    await expectNoAxeViolations('the enrolment page');
  });

  it('sets the password with a code, shows the ten recovery codes once, and goes to sign-in only once they are saved', async () => {
    const network = serve();
    openLink();

    const user = await finish();

    expect(await screen.findByRole('heading', { name: /save your recovery codes/ })).toHaveFocus();
    expect(network.callsTo(FINISH, 'POST').map((call) => call.body)).toEqual([
      { token: TOKEN, password: 'a long and unguessable passphrase', code: '123456' },
    ]);
    const list = screen.getByRole('list', { name: 'Recovery codes' });
    expect(list.querySelectorAll('li')).toHaveLength(10);
    expect(list).toHaveTextContent('code-0-abcd');
    await expectNoAxeViolations('the recovery codes');

    await user.click(screen.getByRole('button', { name: 'Continue to sign in' }));
    const saved = screen.getByRole('checkbox', { name: "I've saved my recovery codes" });
    await waitFor(() => expect(saved).toHaveFocus());
    expect(saved).toHaveAccessibleDescription('Error: Tick this once your recovery codes are somewhere safe.');
    expect(screen.getByTestId('location')).toHaveTextContent('/admin/enrol');

    await user.click(saved);
    await user.click(screen.getByRole('button', { name: 'Continue to sign in' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Sign in' })).toBeInTheDocument();
    expect(screen.queryByText('code-0-abcd')).not.toBeInTheDocument();
  });

  it('says why the password was refused, at the password field', async () => {
    serve({ finish: apiError(400, 'common_password', 'This password is too common: choose another.') });
    openLink();

    await finish('password1234567890');

    const password = screen.getByLabelText('New password');
    await waitFor(() => expect(password).toHaveFocus());
    expect(password).toHaveAccessibleDescription(/^Error: This password is too common: choose another\./);
    expect(password).toBeInvalid();
    await expectNoAxeViolations('the enrolment page with a refused password');
  });

  it('says a wrong code at the code field and clears it', async () => {
    serve({ finish: apiError(400, 'wrong_code', 'That code is not right: use the one your app shows now.') });
    openLink();

    await finish();

    const code = screen.getByLabelText('Code from your authenticator app');
    await waitFor(() => expect(code).toHaveFocus());
    expect(code).toHaveValue('');
    expect(code).toHaveAccessibleDescription(/^Error: That code is not right/);
  });

  it('says a used or expired link no longer works, and how to get a new one', async () => {
    serve({ start: apiError(400, 'enrolment_link_invalid', 'This enrolment link is not valid.') });
    openLink();

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('This link no longer works');
    expect(alert).toHaveTextContent('owners reset');
    expect(screen.queryByRole('img')).not.toBeInTheDocument();
    await expectNoAxeViolations('the enrolment page with a dead link');
  });

  it('asks for the whole link when the fragment is missing, and sends nothing', async () => {
    const network = serve();
    openLink('');

    expect(await screen.findByRole('alert')).toHaveTextContent('This page needs your setup link');
    expect(network.calls).toHaveLength(0);
  });
});
