import { render } from '@testing-library/react';
import { useState, type ReactElement, type ReactNode } from 'react';
import { Route, Router, Switch, useLocation, useSearch } from 'wouter';
import { memoryLocation } from 'wouter/memory-location';
import { AppRoutes } from '../app/routes';
import { ConfigContext } from '../config/ConfigContext';
import { ConfigProvider } from '../config/ConfigProvider';
import { CartProvider } from '../features/cart/CartProvider';
import { CatalogueProvider } from '../features/catalog/CatalogueProvider';
import type { Config } from '../lib/api';
import { demoConfig } from './fixtures';

/** Shows the current location so tests can assert in-app navigation. */
export function LocationProbe() {
  const [pathname] = useLocation();
  const search = useSearch();
  return <output data-testid="location">{`${pathname}${search ? `?${search}` : ''}`}</output>;
}

/** A router that keeps its address in memory, starting at `route` (path and query). */
export function MemoryRouter({ route, children }: { route: string; children: ReactNode }) {
  // Created once: a new memory location on every render would send the app back to `route`.
  const [{ hook }] = useState(() => memoryLocation({ path: route }));
  return <Router hook={hook}>{children}</Router>;
}

/** The whole app (config fetched from the mocked /config) at `route`. */
export function renderApp(route = '/') {
  return render(
    <MemoryRouter route={route}>
      <ConfigProvider>
        <CatalogueProvider>
          <CartProvider>
            <AppRoutes />
            <LocationProbe />
          </CartProvider>
        </CatalogueProvider>
      </ConfigProvider>
    </MemoryRouter>,
  );
}

/** One page with the app's providers (config given, catalogue and cart real) at `route`. */
export function renderPage(
  element: ReactElement,
  { route = '/', path = '*', config = demoConfig }: { route?: string; path?: string; config?: Config } = {},
) {
  return render(
    <MemoryRouter route={route}>
      <ConfigContext.Provider value={config}>
        <CatalogueProvider>
          <CartProvider>
            <Switch>
              <Route path={path}>{element}</Route>
            </Switch>
            <LocationProbe />
          </CartProvider>
        </CatalogueProvider>
      </ConfigContext.Provider>
    </MemoryRouter>,
  );
}
