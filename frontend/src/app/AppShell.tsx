import { Suspense, useEffect, type ReactNode } from 'react';
import { LoadingState } from '../components/LoadingState';
import { takesRealPayments } from '../config/api';
import { useConfig } from '../config/ConfigContext';
import { CartNotice } from '../features/cart/CartNotice';
import { CartCatalogueSync } from './CartCatalogueSync';
import { DemoBanner } from './DemoBanner';
import { Header } from './Header';

/**
 * Stripe recommends loading Stripe.js on every page so its fraud signals see the whole
 * visit. Loaded after the first render, from its own chunk, and only with real payments.
 */
function usePreloadStripe() {
  const config = useConfig();
  useEffect(() => {
    if (!takesRealPayments(config)) return;
    import('../features/checkout/stripeLoader')
      .then(({ getStripe }) => getStripe(config))
      .catch(() => {
        // Checkout shows the failure and offers a retry; nothing to tell the shopper here.
      });
  }, [config]);
}

/** The chrome around every page: banner, header with the cart, footer. */
export function AppShell({ children }: { children: ReactNode }) {
  usePreloadStripe();
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <DemoBanner />
      <Header />
      <CartCatalogueSync />
      <main id="main" className="site-main" tabIndex={-1}>
        <CartNotice />
        <Suspense fallback={<LoadingState label="Loading…" />}>
          {children}
        </Suspense>
      </main>
      <footer className="site-footer">
        <p>Prices in US dollars. Covers are drawn by this shop from each book's colours.</p>
      </footer>
    </>
  );
}
