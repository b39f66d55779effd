import { Component, type ReactNode } from 'react';
import { reloadPage } from './reloadPage';

interface ErrorBoundaryState {
  failed: boolean;
}

/**
 * Catches a page that fails to render or whose chunk fails to load (a tab left open across a
 * deploy asks for a chunk the new build no longer has) and offers a reload, instead of React
 * unmounting the whole app and leaving a blank page. Around the routes it is keyed by the
 * page's path, so that moving to another page starts afresh.
 */
export class ErrorBoundary extends Component<{ children: ReactNode }, ErrorBoundaryState> {
  state: ErrorBoundaryState = { failed: false };

  // React reports the error itself (console.error by default).
  static getDerivedStateFromError(): ErrorBoundaryState {
    return { failed: true };
  }

  render() {
    if (!this.state.failed) return this.props.children;
    return (
      <section className="page state state--error" role="alert" aria-labelledby="page-error-title">
        <h1 id="page-error-title" className="page__title" tabIndex={-1}>
          This page didn't load
        </h1>
        <p>
          The shop may have been updated since you opened it, or something went wrong. Reload to get the latest
          version; your cart is saved.
        </p>
        <button type="button" className="button button--primary" onClick={reloadPage}>
          Reload
        </button>
      </section>
    );
  }
}
