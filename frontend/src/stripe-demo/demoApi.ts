/** The shop's /demo endpoints, which the stand-in calls as Stripe.js calls Stripe's API. */
import type { DemoMethod } from './paymentElement';

// POST /demo/confirmation_tokens, declared here until lib/api-types.ts is generated with the
// backend's schemas for it (ConfirmationTokenBody, DemoConfirmationTokenResponse); then these
// become lib/api.ts's names for those schemas.

/** The chosen payment method's fields (exactly one), and where a redirect method comes back to. */
export type DemoConfirmationTokenBody = DemoMethod & { return_url?: string };

/** A single-use token holding the attempt: never the card number, only what Stripe previews. */
export interface DemoConfirmationToken {
  id: string;
  object: 'confirmation_token';
  payment_method_preview: {
    type: 'card' | 'sepa_debit' | 'bank_redirect';
    card?: { brand: string; last4: string } | null;
    sepa_debit?: { last4: string } | null;
  };
  return_url?: string;
  created: number;
  expires_at: number;
  livemode: boolean;
}

export const CONFIRMATION_TOKENS_PATH = '/demo/confirmation_tokens';

export function intentPath(id: string, action?: 'confirm' | 'authenticate'): string {
  const base = `/demo/payment_intents/${encodeURIComponent(id)}`;
  return action ? `${base}/${action}` : base;
}
