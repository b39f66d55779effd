import { Fragment, useEffect, type ReactNode } from 'react';
import { useLocation } from 'wouter';
import { ErrorState } from '../../../components/ErrorState';
import { LoadingState } from '../../../components/LoadingState';
import { useAdminSession } from './AdminSession';

export const SIGN_IN_PATH = '/sign-in';

/**
 * A page for a signed-in owner only. Without a session it renders nothing of the page and
 * goes to the sign-in page, replacing this entry in the history. The page is keyed by the
 * session's epoch, so nothing it held survives a sign-out or a new sign-in.
 */
export function RequireSession({ children }: { children: ReactNode }) {
  const { state, epoch, check } = useAdminSession();
  const [, navigate] = useLocation();

  useEffect(() => {
    if (state.status === 'unknown') check();
    if (state.status === 'signed-out') navigate(SIGN_IN_PATH, { replace: true });
  }, [state.status, check, navigate]);

  switch (state.status) {
    case 'signed-in':
      return <Fragment key={epoch}>{children}</Fragment>;
    case 'check-failed':
      return (
        <section className="page">
          <h1 className="page__title">Owner&apos;s dashboard</h1>
          <ErrorState title="We couldn't check your session" error={state.error} onRetry={check} />
        </section>
      );
    case 'signed-out':
      return null;
    default:
      return <LoadingState label="Checking your session…" />;
  }
}
