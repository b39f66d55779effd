import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useLocation } from 'wouter';
import { useFocusLater } from '../ui/useFocusLater';
import { SIGN_IN_PATH } from './RequireSession';

/**
 * The ten recovery codes, shown this once: the owner says they have saved them before going
 * on to sign in. Leaving the page drops them from memory.
 */
export function RecoveryCodes({ codes }: { codes: string[] }) {
  const [, navigate] = useLocation();
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [copied, setCopied] = useState<string | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const checkboxRef = useRef<HTMLInputElement>(null);
  const focusLater = useFocusLater();

  // The form that had focus is gone: start reading at the codes.
  useEffect(() => {
    headingRef.current?.focus();
  }, []);

  const copy = () => {
    navigator.clipboard.writeText(codes.join('\n')).then(
      () => setCopied('Copied the ten codes.'),
      () => setCopied("Couldn't copy: select the codes and copy them yourself."),
    );
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!saved) {
      setError('Tick this once your recovery codes are somewhere safe.');
      focusLater(checkboxRef.current);
      return;
    }
    navigate(SIGN_IN_PATH, { replace: true });
  };

  return (
    <section className="admin-section" aria-labelledby="recovery-title">
      <h2 id="recovery-title" ref={headingRef} className="section-title" tabIndex={-1}>
        Your account is ready: save your recovery codes
      </h2>
      <p>
        If you lose your phone, each of these codes signs you in once instead of a code from the app. They are shown
        only now: keep them in your password manager, or print them and keep them safe.
      </p>
      <ol className="admin-codes" aria-label="Recovery codes">
        {codes.map((recoveryCode) => (
          <li key={recoveryCode}>
            <code>{recoveryCode}</code>
          </li>
        ))}
      </ol>
      {typeof navigator.clipboard?.writeText === 'function' && (
        <p>
          <button type="button" className="button button--secondary" onClick={copy}>
            Copy the codes
          </button>{' '}
          <span role="status">{copied}</span>
        </p>
      )}
      <form className="admin-form" noValidate onSubmit={onSubmit}>
        <div className={error ? 'admin-check admin-field--invalid' : 'admin-check'}>
          <input
            ref={checkboxRef}
            id="recovery-saved"
            type="checkbox"
            checked={saved}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? 'recovery-saved-error' : undefined}
            onChange={(event) => {
              setSaved(event.target.checked);
              if (event.target.checked) setError(null);
            }}
          />
          <label htmlFor="recovery-saved">I&apos;ve saved my recovery codes</label>
        </div>
        {error && (
          <p id="recovery-saved-error" className="admin-field__error">
            <span className="visually-hidden">Error:</span> {error}
          </p>
        )}
        <button type="submit" className="button button--primary">
          Continue to sign in
        </button>
      </form>
    </section>
  );
}
