import { useConfig } from '../config/ConfigContext';
import { takesRealPayments } from '../config/api';

const TEST_CARDS = [
  ['4242 4242 4242 4242', 'succeeds'],
  ['4000 0000 0000 0002', 'declined'],
  ['4000 0000 0000 9995', 'insufficient funds'],
  ['4000 0025 0000 3155', 'needs authentication'],
] as const;

/** Shown on every page when the shop plays Stripe's part itself: nothing is really charged. */
export function DemoBanner() {
  const config = useConfig();
  if (takesRealPayments(config)) return null;
  return (
    <div className="banner" role="status" aria-labelledby="mode-banner-title">
      <p id="mode-banner-title" className="banner__title">
        Demo mode: no real payments
      </p>
      <p className="banner__cards">
        Test cards:{' '}
        {TEST_CARDS.map(([number, outcome], index) => (
          <span key={number} className="banner__card">
            <code>{number}</code> {outcome}
            {index < TEST_CARDS.length - 1 ? '; ' : '. '}
          </span>
        ))}
        Any future expiry, any CVC. Or the demo bank&apos;s redirect, or SEPA debit with IBAN{' '}
        <code>DE89370400440532013000</code> (paid a few seconds later).
      </p>
    </div>
  );
}
