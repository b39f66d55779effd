/**
 * Test helpers that mount pages inside the app's providers. They live in the app layer because
 * they compose every feature; src/testing stays below the features, like src/lib.
 */
import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { Route, Switch } from 'wouter';
import { ConfigContext } from '../config/ConfigContext';
import { CartProvider } from '../features/cart/CartProvider';
import { CatalogueProvider } from '../features/catalog/CatalogueProvider';
import type { Config } from '../lib/api';
import { demoConfig } from '../testing/fixtures';
import { LocationProbe, MemoryRouter } from '../testing/render';
import { AppProviders } from './providers';
import { AppRoutes } from './routes';

/** The whole app (config fetched from the mocked /config) at `route`. */
export function renderApp(route = '/') {
  return render(
    <MemoryRouter route={route}>
      <AppProviders>
        <AppRoutes />
        <LocationProbe />
      </AppProviders>
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
