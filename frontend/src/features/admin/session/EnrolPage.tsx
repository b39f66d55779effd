import { useEffect, useRef, useState, type FormEvent } from 'react';
import { errorMessage, isApiError } from '../../../lib/api';
import { publicAdminApi, type Authenticator } from '../api';
import { Field, FormAlert } from '../ui/Field';
import { fieldErrors, formatDateTime } from '../ui/format';
import { useFocusLater } from '../ui/useFocusLater';
import { RecoveryCodes } from './RecoveryCodes';

/** The link's token, from its fragment (`/admin/enrol#token=...`): never sent to any server. */
function tokenFromFragment(): string | null {
  const token = new URLSearchParams(window.location.hash.replace(/^#/, '')).get('token');
  return token?.trim() || null;
}

/** Takes the token out of the address bar and the history, so it is not left lying about. */
function dropFragment() {
  if (!window.location.hash) return;
  window.history.replaceState(window.history.state, '', window.location.pathname + window.location.search);
}

const LINK_INVALID = 'enrolment_link_invalid';
const PASSWORD_CODES = new Set(['password_too_short', 'password_too_long', 'common_password', 'password_guessable']);

/** The QR code, drawn by the shop's own server, shown as an image: its markup never enters the page. */
function qrImageSource(svg: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}

/** "JBSW Y3DP EHPK 3PXP": the secret in groups of four, easier to type. */
function grouped(secret: string): string {
  return secret.replace(/(.{4})(?=.)/g, '$1 ');
}

type Phase =
  | { name: 'starting' }
  | { name: 'no-link' }
  | { name: 'failed'; error: unknown }
  | { name: 'setup'; authenticator: Authenticator }
  | { name: 'done'; codes: string[] };

function LinkProblem({ error }: { error: unknown }) {
  const invalid = isApiError(error) && error.code === LINK_INVALID;
  return (
    <div className="state state--error" role="alert">
      <h2 className="state__title">{invalid ? 'This link no longer works' : "We couldn't start setting up"}</h2>
      <p>{errorMessage(error)}</p>
      {invalid && (
        <p>
          Links work once, for 30 minutes. Ask for a new one: <code>flask --app bookstore owners reset EMAIL</code>.
        </p>
      )}
    </div>
  );
}

/**
 * /admin/enrol#token=...: the one-time link printed by `flask owners add` (or `owners
 * reset`). The authenticator app is set up from a QR code (or the key typed in), the password
 * chosen and the app confirmed with a code; then the ten recovery codes, shown once.
 */
export function EnrolPage() {
  // Read once, before the fragment is dropped.
  const [token] = useState(tokenFromFragment);
  const [phase, setPhase] = useState<Phase>(token ? { name: 'starting' } : { name: 'no-link' });
  const started = useRef(false);

  useEffect(() => {
    dropFragment();
    if (!token || started.current) return;
    started.current = true;
    publicAdminApi.startEnrolment(token).then(
      (authenticator) => setPhase({ name: 'setup', authenticator }),
      (error: unknown) => setPhase({ name: 'failed', error }),
    );
  }, [token]);

  return (
    <section className="page page--narrow admin-enrol" aria-labelledby="enrol-title">
      <h1 id="enrol-title" className="page__title" tabIndex={-1}>
        Set up your owner account
      </h1>
      {phase.name === 'starting' && (
        <div className="state state--loading" role="status">
          <span className="spinner" aria-hidden="true" />
          <span>Checking your link…</span>
        </div>
      )}
      {phase.name === 'no-link' && (
        <div className="state state--error" role="alert">
          <h2 className="state__title">This page needs your setup link</h2>
          <p>
            Open the whole link that <code>flask --app bookstore owners add EMAIL</code> printed, including the part
            after <code>#</code>.
          </p>
        </div>
      )}
      {phase.name === 'failed' && <LinkProblem error={phase.error} />}
      {phase.name === 'setup' && token && (
        <EnrolForm
          token={token}
          authenticator={phase.authenticator}
          onLinkInvalid={(error) => setPhase({ name: 'failed', error })}
          onDone={(codes) => setPhase({ name: 'done', codes })}
        />
      )}
      {phase.name === 'done' && <RecoveryCodes codes={phase.codes} />}
    </section>
  );
}

interface EnrolFormProps {
  token: string;
  authenticator: Authenticator;
  onLinkInvalid: (error: unknown) => void;
  onDone: (codes: string[]) => void;
}

function EnrolForm({ token, authenticator, onLinkInvalid, onDone }: EnrolFormProps) {
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [errors, setErrors] = useState<{ password?: string; code?: string }>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [sending, setSending] = useState(false);
  const passwordRef = useRef<HTMLInputElement>(null);
  const codeRef = useRef<HTMLInputElement>(null);
  const focusLater = useFocusLater();

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (sending) return;
    const found: typeof errors = {};
    if (!password) found.password = 'Choose a password.';
    if (!code.trim()) found.code = 'Enter the code your app shows now.';
    setErrors(found);
    setFailure(null);
    if (found.password || found.code) {
      focusLater(found.password ? passwordRef.current : codeRef.current);
      return;
    }
    setSending(true);
    try {
      const { recoveryCodes } = await publicAdminApi.finishEnrolment({ token, password, code: code.trim() });
      onDone(recoveryCodes);
    } catch (error) {
      setSending(false);
      if (isApiError(error) && error.code === LINK_INVALID) {
        onLinkInvalid(error);
      } else if (isApiError(error) && PASSWORD_CODES.has(error.code)) {
        setErrors({ password: error.message });
        focusLater(passwordRef.current);
      } else if (isApiError(error) && error.code === 'wrong_code') {
        setErrors({ code: error.message });
        setCode('');
        focusLater(codeRef.current);
      } else {
        const byField = fieldErrors(error);
        setErrors({ password: byField.password, code: byField.code });
        setFailure(error);
      }
    }
  };

  return (
    <>
      <p className="lede">
        For <strong>{authenticator.email}</strong>. This link works until {formatDateTime(authenticator.linkExpiresAt)}.
      </p>
      <section className="admin-section" aria-labelledby="enrol-app-title">
        <h2 id="enrol-app-title" className="section-title">
          1. Add the shop to your authenticator app
        </h2>
        <p>Scan this QR code with your authenticator app (Google Authenticator, 1Password, Authy…).</p>
        <img
          className="admin-qr"
          src={qrImageSource(authenticator.qrSvg)}
          alt={`QR code to add ${authenticator.email} to your authenticator app`}
          width={200}
          height={200}
        />
        <p>
          Can&apos;t scan it? Add an account by hand with this key ({authenticator.digits}-digit codes, every{' '}
          {authenticator.period} seconds):
        </p>
        <p>
          <code className="admin-secret">{grouped(authenticator.secret)}</code>
        </p>
      </section>
      <section className="admin-section" aria-labelledby="enrol-password-title">
        <h2 id="enrol-password-title" className="section-title">
          2. Choose a password and confirm the app
        </h2>
        <form className="admin-form" noValidate onSubmit={(event) => void onSubmit(event)}>
          {failure !== null && <FormAlert title="We couldn't finish setting up">{errorMessage(failure)}</FormAlert>}
          <Field label="Email">
            {(control) => (
              <input
                {...control}
                className="admin-input"
                type="email"
                name="email"
                autoComplete="username"
                value={authenticator.email}
                readOnly
              />
            )}
          </Field>
          <Field
            label="New password"
            hint="At least 15 characters, any at all: a few unrelated words are easy to remember. Not a commonly used password."
            error={errors.password}
          >
            {(control) => (
              <input
                {...control}
                ref={passwordRef}
                className="admin-input"
                type="password"
                name="new-password"
                autoComplete="new-password"
                value={password}
                onChange={(event) => setPassword(event.target.value)}
              />
            )}
          </Field>
          <Field label="Code from your authenticator app" hint="The 6 digits the app shows now." error={errors.code}>
            {(control) => (
              <input
                {...control}
                ref={codeRef}
                className="admin-input admin-input--code"
                type="text"
                name="code"
                inputMode="numeric"
                autoComplete="one-time-code"
                value={code}
                onChange={(event) => setCode(event.target.value)}
              />
            )}
          </Field>
          <button type="submit" className="button button--primary" aria-disabled={sending ? true : undefined}>
            {sending ? 'Setting up…' : 'Finish setting up'}
          </button>
        </form>
      </section>
    </>
  );
}
