import type { ReactNode } from 'react';
import { Link, useRoute } from 'wouter';
import './headerActions.css';

/** The header's right-hand side: its text links, then whatever the app puts there (the cart). */
export function HeaderActions({ children }: { children: ReactNode }) {
  return <div className="header-actions">{children}</div>;
}

/** A text link in the site header, marked as the current page while that page is open. */
export function HeaderLink({ to, children }: { to: string; children: ReactNode }) {
  const [current] = useRoute(to);
  return (
    <Link to={to} className="header-link" aria-current={current ? 'page' : undefined}>
      {children}
    </Link>
  );
}
