import type { Appearance } from '@stripe/stripe-js';

/** Payment Element styling that matches the shop's restrained look. */
export const appearance: Appearance = {
  theme: 'stripe',
  variables: {
    colorPrimary: '#1f2a37',
    colorText: '#1b1b1b',
    colorDanger: '#b3261e',
    colorBackground: '#ffffff',
    fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
    borderRadius: '4px',
    spacingUnit: '4px',
  },
};
