/** The shop's /demo endpoints, which the stand-in calls as Stripe.js calls Stripe's API. */

// POST /demo/confirmation_tokens' body and answer, as the server's OpenAPI document declares them.
export type { DemoConfirmationToken, DemoConfirmationTokenBody } from '../lib/api';

export const CONFIRMATION_TOKENS_PATH = '/demo/confirmation_tokens';

export function intentPath(id: string, action?: 'confirm' | 'authenticate'): string {
  const base = `/demo/payment_intents/${encodeURIComponent(id)}`;
  return action ? `${base}/${action}` : base;
}
