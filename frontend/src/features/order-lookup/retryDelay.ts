import { isApiError } from '../../lib/api';

/** Longer waits are left to the shopper: a page counting down minutes looks stuck. */
export const MAX_AUTOMATIC_RETRY_SECONDS = 60;

/**
 * Seconds to wait before the page tries the lookup again by itself: only when the server said
 * this client asked too often (429), for as long as its Retry-After says, up to a minute.
 */
export function automaticRetryDelay(error: unknown): number | null {
  if (!isApiError(error) || error.status !== 429) return null;
  const seconds = error.retryAfter;
  return seconds !== null && seconds <= MAX_AUTOMATIC_RETRY_SECONDS ? seconds : null;
}

/** No order has this number and email: one answer for both, so it says neither. */
export function isNotFound(error: unknown): boolean {
  return isApiError(error) && error.status === 404;
}
