/**
 * Stripe mode with js.stripe.com unreachable, through the real loader and the real
 * @stripe/stripe-js: the browser fires `error` on the script tag Stripe's loader injects.
 */
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { serveCheckout } from '../../testing/checkoutServer';
import { createFakeStripe, SHOPPER } from '../../testing/fakeStripe';
import { storeCart, stripeConfig } from '../../testing/fixtures';
import { payable } from '../../testing/payable';
import { renderPage } from '../../app/testing';
import CheckoutPage from './CheckoutPage';

const STRIPE_JS = 'script[src^="https://js.stripe.com/"]';

/** The Stripe.js script tags on the page that have not been answered yet. */
function pendingScripts(answered: Set<Element>) {
  return Array.from(document.querySelectorAll(STRIPE_JS)).filter((script) => !answered.has(script));
}

/** Answers every new Stripe.js script tag as the browser would: `error` or `load`. */
async function answerScripts(answered: Set<Element>, event: 'error' | 'load', count: number) {
  for (let i = 0; i < count; i += 1) {
    await waitFor(() => expect(pendingScripts(answered)).not.toHaveLength(0));
    const [script] = pendingScripts(answered);
    answered.add(script!);
    script!.dispatchEvent(new Event(event));
  }
}

describe('checkout when Stripe.js cannot be reached', () => {
  it('says the secure payment form could not load, offers no pay button, and loads Stripe.js again on retry', async () => {
    serveCheckout({ config: null });
    storeCart([{ id: 'the-dream-machine', quantity: 2 }]);
    const answered = new Set<Element>();
    const user = userEvent.setup();
    renderPage(<CheckoutPage />, { route: '/checkout', path: '/checkout', config: stripeConfig });

    // Stripe's loader tries the script twice before giving up.
    await answerScripts(answered, 'error', 2);

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent("We couldn't load Stripe's secure payment form.");
    expect(screen.queryByRole('button', { name: /^Pay/ })).not.toBeInTheDocument();

    // The network is back: the retry injects a fresh script, which now loads and defines Stripe.
    await user.click(within(alert).getByRole('button', { name: 'Try again' }));
    await waitFor(() => expect(pendingScripts(answered)).toHaveLength(1));
    const fake = createFakeStripe();
    const StripeConstructor = Object.assign(
      vi.fn(() => fake.stripe),
      { version: 'endive' },
    );
    vi.stubGlobal('Stripe', StripeConstructor);
    await answerScripts(answered, 'load', 1);

    await screen.findByRole('button', { name: 'Pay' });
    act(() => {
      fake.typeEmail(SHOPPER.email);
      fake.typeAddress(SHOPPER.address);
    });
    const pay = await screen.findByRole('button', { name: 'Pay $72.59' });
    await waitFor(() => expect(payable(pay)).toBe(true));
    expect(StripeConstructor).toHaveBeenCalledWith(stripeConfig.publishableKey);
    expect(fake.createElements).toHaveBeenCalledWith(expect.objectContaining({ mode: 'payment', amount: 6000 }));
  });
});
