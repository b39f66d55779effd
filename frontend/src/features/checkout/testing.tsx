/**
 * Helpers for the checkout page's tests: fill it in through the fake Elements, and read what
 * it shows. (Mounting it takes the app's providers: app/testing.tsx's renderPage.)
 */
import { act, screen, waitFor, within } from '@testing-library/react';
import { expect } from 'vitest';
import type { createFakeStripe } from '../../testing/fakeStripe';
import { SHOPPER } from '../../testing/fakeStripe';
import { payable } from '../../testing/payable';

export type FakeStripe = ReturnType<typeof createFakeStripe>;

// Two copies of The Dream Machine ($60.00), Standard delivery ($5.99), 10% tax ($6.60).
export const READY_TOTAL = '$72.59';
// The same with Express delivery ($14.99, tax $7.50).
export const EXPRESS_TOTAL = '$82.49';

/** The shopper completes the email and the address (the fake Elements report them). */
export function giveDetails(fake: FakeStripe, address = SHOPPER.address) {
  act(() => {
    fake.typeEmail(SHOPPER.email);
    fake.typeAddress(address);
  });
}

/** Waits for the form, fills it in, and waits for the pay button to offer `total`. */
export async function fillIn(fake: FakeStripe, total = READY_TOTAL) {
  await screen.findByRole('button', { name: /^Pay/ });
  giveDetails(fake);
  const pay = await screen.findByRole('button', { name: `Pay ${total}` });
  await waitFor(() => expect(payable(pay)).toBe(true));
  return pay;
}

/** The alert that says `text` (the page has several: each section keeps one for its errors). */
export function alertWith(text: string | RegExp): HTMLElement {
  const found = screen
    .queryAllByRole('alert')
    .find((alert) => (typeof text === 'string' ? alert.textContent?.includes(text) : text.test(alert.textContent ?? '')));
  if (!found) throw new Error(`No alert says ${String(text)}`);
  return found;
}

export function summary() {
  return screen.getByRole('region', { name: 'Order summary' });
}

/** The amount beside a summary row's label ("Subtotal", "Tax", ...). */
export function summaryRow(label: string | RegExp) {
  return within(summary()).getByText(label).nextElementSibling;
}

export function payButton() {
  return screen.getByRole('button', { name: /^(Pay|Processing)/ });
}
