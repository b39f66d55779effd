import { useState, type ReactNode } from 'react';
import { Link, useLocation } from 'wouter';
import { SHOP_NAME } from '../../../components/PageTitle';
import { errorMessage, isAbortError } from '../../../lib/api';
import { usePageChange } from '../../../lib/usePageChange';
import { useAdminSession } from '../session/AdminSession';

const MAIN_ID = 'admin-main';

const SECTIONS = [
  { to: '/orders', label: 'Orders' },
  { to: '/stock', label: 'Stock' },
  { to: '/activity', label: 'Activity' },
] as const;

function SectionLink({ to, children }: { to: string; children: ReactNode }) {
  const [location] = useLocation();
  const current = location === to || location.startsWith(`${to}/`);
  return (
    <Link to={to} className="admin-nav__link" aria-current={current ? 'page' : undefined}>
      {children}
    </Link>
  );
}

/** The signed-in owner's email, the sections, Sign out and Sign out everywhere. */
function OwnerBar({ email }: { email: string }) {
  const { signOut, signOutEverywhere } = useAdminSession();
  const [busy, setBusy] = useState<'here' | 'everywhere' | null>(null);
  const [failure, setFailure] = useState<{ what: string; error: unknown } | null>(null);

  const run = (which: 'here' | 'everywhere') => {
    if (busy) return;
    setBusy(which);
    setFailure(null);
    (which === 'here' ? signOut() : signOutEverywhere()).then(
      () => setBusy(null),
      (error: unknown) => {
        setBusy(null);
        if (isAbortError(error)) return;
        setFailure({ what: which === 'here' ? "We couldn't sign you out" : "We couldn't sign you out everywhere", error });
      },
    );
  };

  return (
    <>
      <nav className="admin-nav" aria-label="Dashboard">
        {SECTIONS.map((section) => (
          <SectionLink key={section.to} to={section.to}>
            {section.label}
          </SectionLink>
        ))}
      </nav>
      <div className="admin-owner">
        <p className="admin-owner__email">
          <span className="visually-hidden">Signed in as </span>
          {email}
        </p>
        <button
          type="button"
          className="button button--secondary admin-owner__button"
          aria-disabled={busy ? true : undefined}
          onClick={() => run('here')}
        >
          {busy === 'here' ? 'Signing out…' : 'Sign out'}
        </button>
        <button
          type="button"
          className="button button--secondary admin-owner__button"
          aria-disabled={busy ? true : undefined}
          onClick={() => run('everywhere')}
        >
          {busy === 'everywhere' ? 'Signing out everywhere…' : 'Sign out everywhere'}
        </button>
      </div>
      {failure && (
        <div className="admin-alert admin-header__alert" role="alert">
          <p className="admin-alert__title">{failure.what}</p>
          <p>{errorMessage(failure.error)} You are still signed in: try again.</p>
        </div>
      )}
    </>
  );
}

/**
 * The dashboard's chrome: a skip link, the header (the owner's bar once signed in) and the
 * main region. Moving to another page puts focus on its heading, as in the shop.
 */
export function AdminFrame({ children }: { children: ReactNode }) {
  const [location] = useLocation();
  const { state } = useAdminSession();
  usePageChange(location, MAIN_ID);
  return (
    <div className="admin">
      <a className="skip-link" href={`#${MAIN_ID}`}>
        Skip to content
      </a>
      <header className="admin-header">
        <div className="admin-header__inner">
          <p className="admin-header__name">
            {SHOP_NAME} <span className="admin-header__role">Owner&apos;s dashboard</span>
          </p>
          {state.status === 'signed-in' && <OwnerBar email={state.session.owner.email} />}
        </div>
      </header>
      <main id={MAIN_ID} className="site-main admin-main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
