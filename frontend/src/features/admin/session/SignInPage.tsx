import { useRef, useState, type FormEvent } from 'react';
import { Redirect, useLocation } from 'wouter';
import { errorMessage, isApiError } from '../../../lib/api';
import { publicAdminApi } from '../api';
import { Field, FormAlert } from '../ui/Field';
import { waitWords } from '../ui/format';
import { useFocusLater } from '../ui/useFocusLater';
import { useAdminSession } from './AdminSession';

export const HOME_PATH = '/orders';

type FieldName = 'email' | 'password' | 'code';
type Errors = Partial<Record<FieldName, string>>;

/** The failure in words: throttled (with the wait), refused, or whatever else went wrong. */
function failureText(error: unknown): { title: string; text: string } {
  if (isApiError(error) && error.status === 429) {
    const wait = error.retryAfter ? ` Try again in ${waitWords(error.retryAfter)}.` : '';
    return { title: 'Too many tries', text: `${error.message}${wait}` };
  }
  if (isApiError(error) && error.status === 401) {
    return { title: "We couldn't sign you in", text: error.message };
  }
  return { title: "We couldn't sign you in", text: errorMessage(error) };
}

/**
 * /admin/sign-in: email, password and a code from the authenticator app, or one of the
 * recovery codes. The server answers every wrong detail alike; a 429 says how long to wait.
 */
export function SignInPage() {
  const { state, signedIn, returnTo } = useAdminSession();
  const [, navigate] = useLocation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [recovery, setRecovery] = useState(false);
  const [errors, setErrors] = useState<Errors>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [sending, setSending] = useState(false);
  const fields = useRef<Record<FieldName, HTMLInputElement | null>>({ email: null, password: null, code: null });
  const focusLater = useFocusLater();

  if (state.status === 'signed-in') return <Redirect to={HOME_PATH} replace />;

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (sending) return;
    const found: Errors = {};
    if (!email.trim()) found.email = 'Enter your email address.';
    if (!password) found.password = 'Enter your password.';
    if (!code.trim()) found.code = recovery ? 'Enter one of your recovery codes.' : 'Enter the code your app shows now.';
    setErrors(found);
    setFailure(null);
    const firstInvalid = (['email', 'password', 'code'] as const).find((name) => found[name]);
    if (firstInvalid) {
      focusLater(fields.current[firstInvalid]);
      return;
    }
    setSending(true);
    try {
      const session = await publicAdminApi.signIn({ email: email.trim(), password, code: code.trim() });
      signedIn(session);
      navigate(returnTo ?? HOME_PATH, { replace: true });
    } catch (error) {
      setSending(false);
      setFailure(error);
      // Every code works once: the next try needs a new one.
      setCode('');
    }
  };

  const notice = state.status === 'signed-out' ? state.notice : null;
  const failed = failure ? failureText(failure) : null;
  return (
    <section className="page page--narrow admin-sign-in" aria-labelledby="sign-in-title">
      <h1 id="sign-in-title" className="page__title" tabIndex={-1}>
        Sign in
      </h1>
      {notice && (
        <p className="admin-notice" role="status">
          {notice}
        </p>
      )}
      <p className="lede">The owner&apos;s dashboard: orders, refunds, shipping and stock.</p>
      <form className="admin-form" noValidate onSubmit={(event) => void onSubmit(event)}>
        {failed && <FormAlert title={failed.title}>{failed.text}</FormAlert>}
        <Field label="Email" error={errors.email}>
          {(control) => (
            <input
              {...control}
              ref={(element) => {
                fields.current.email = element;
              }}
              className="admin-input"
              type="email"
              name="email"
              autoComplete="username"
              autoCapitalize="none"
              spellCheck={false}
              value={email}
              onChange={(event) => setEmail(event.target.value)}
            />
          )}
        </Field>
        <Field label="Password" error={errors.password}>
          {(control) => (
            <input
              {...control}
              ref={(element) => {
                fields.current.password = element;
              }}
              className="admin-input"
              type="password"
              name="password"
              autoComplete="current-password"
              value={password}
              onChange={(event) => setPassword(event.target.value)}
            />
          )}
        </Field>
        <Field
          label={recovery ? 'Recovery code' : 'Code from your authenticator app'}
          hint={
            recovery
              ? 'One of the ten recovery codes you saved when you set up your account. Each works once.'
              : 'The 6 digits your app shows now.'
          }
          error={errors.code}
        >
          {(control) => (
            <input
              {...control}
              ref={(element) => {
                fields.current.code = element;
              }}
              className="admin-input admin-input--code"
              type="text"
              name={recovery ? 'recovery-code' : 'code'}
              inputMode={recovery ? 'text' : 'numeric'}
              autoComplete={recovery ? 'off' : 'one-time-code'}
              autoCapitalize="none"
              spellCheck={false}
              value={code}
              onChange={(event) => setCode(event.target.value)}
            />
          )}
        </Field>
        <button
          type="button"
          className="link-button admin-form__switch"
          onClick={() => {
            setRecovery((now) => !now);
            setCode('');
            setErrors(({ code: _code, ...rest }) => rest);
            fields.current.code?.focus();
          }}
        >
          {recovery ? 'Use a code from your authenticator app instead' : 'Lost your phone? Use a recovery code instead'}
        </button>
        <button type="submit" className="button button--primary" aria-disabled={sending ? true : undefined}>
          {sending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </section>
  );
}
