import { isApiError } from '../../lib/api';

/** Longer waits are left to the shopper: a page counting down minutes looks stuck. */
export const MAX_AUTOMATIC_RETRY_SECONDS = 60;

/**
 * Seconds to wait before checkout retries by itself: only when the server said it is busy
 * (503, the payment provider is unavailable) or we are too fast (429), and how long to wait
 * (Retry-After). Any other failure needs the shopper, or will not go away by waiting.
 */
export function automaticRetryDelay(error: unknown): number | null {
  if (!isApiError(error) || (error.status !== 503 && error.status !== 429)) return null;
  const seconds = error.retryAfter;
  return seconds !== null && seconds <= MAX_AUTOMATIC_RETRY_SECONDS ? seconds : null;
}
