import type { ReactNode } from 'react';
import { errorMessage } from '../lib/api';

interface ErrorStateProps {
  title: string;
  error: unknown;
  onRetry?: () => void;
  /** Shown under the message, before the button (e.g. a RetryCountdown). */
  children?: ReactNode;
}

/** An error message with an optional "Try again" button. */
export function ErrorState({ title, error, onRetry, children }: ErrorStateProps) {
  return (
    <div className="state state--error" role="alert">
      <h2 className="state__title">{title}</h2>
      <p>{errorMessage(error)}</p>
      {children}
      {onRetry && (
        <button type="button" className="button button--secondary" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}
