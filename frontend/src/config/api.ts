import { api, type Config } from '../lib/api';

export function getConfig(): Promise<Config> {
  return api.get<Config>('/config');
}

/** True when the server takes real (Stripe) payments; otherwise it plays Stripe's part itself. */
export function takesRealPayments(config: Config): boolean {
  return config.mode === 'stripe';
}
