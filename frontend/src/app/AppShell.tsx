import { useEffect, type ReactNode } from 'react';
import { useLocation } from 'wouter';
import { takesRealPayments } from '../config/api';
import { useConfig } from '../config/ConfigContext';
import { CartNotice } from '../features/cart/CartNotice';
import { CartCatalogueSync } from './CartCatalogueSync';
import { DemoBanner } from './DemoBanner';
import { ErrorBoundary } from './ErrorBoundary';
import { Header } from './Header';
import { usePageChange } from '../lib/usePageChange';

const MAIN_ID = 'main';

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

/**
 * The chrome around every page: banner, header with the cart, footer. A page that fails
 * (to render, or its chunk to load) shows an error with a reload inside the chrome, which
 * keeps working.
 */
export function AppShell({ children }: { children: ReactNode }) {
  const [pathname] = useLocation();
  usePreloadStripe();
  usePageChange(pathname, MAIN_ID);
  return (
    <>
      <a className="skip-link" href={`#${MAIN_ID}`}>
        Skip to content
      </a>
      <DemoBanner />
      <Header />
      <CartCatalogueSync />
      <main id={MAIN_ID} className="site-main" tabIndex={-1}>
        <CartNotice />
        {/* Keyed by the path: each page mounts afresh, with its own loading and error state. */}
        <ErrorBoundary key={pathname}>{children}</ErrorBoundary>
      </main>
      <footer className="site-footer">
        <p>Prices in US dollars. Covers are drawn by this shop from each book's colours.</p>
      </footer>
    </>
  );
}
