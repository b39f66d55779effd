import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { MemoryRouter, Route, Routes, useLocation } from 'react-router-dom';
import { AppRoutes } from '../app/routes';
import { ConfigContext } from '../config/ConfigContext';
import { ConfigProvider } from '../config/ConfigProvider';
import { CartProvider } from '../features/cart/CartProvider';
import { CatalogueProvider } from '../features/catalog/CatalogueProvider';
import type { Config } from '../lib/api';
import { demoConfig } from './fixtures';

/** Shows the current location so tests can assert in-app navigation. */
export function LocationProbe() {
  const location = useLocation();
  return <output data-testid="location">{`${location.pathname}${location.search}`}</output>;
}

/** The whole app (config fetched from the mocked /config) at `route`. */
export function renderApp(route = '/') {
  return render(
    <MemoryRouter initialEntries={[route]}>
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
    <MemoryRouter initialEntries={[route]}>
      <ConfigContext.Provider value={config}>
        <CatalogueProvider>
          <CartProvider>
            <Routes>
              <Route path={path} element={element} />
              <Route path="*" element={null} />
            </Routes>
            <LocationProbe />
          </CartProvider>
        </CatalogueProvider>
      </ConfigContext.Provider>
    </MemoryRouter>,
  );
}
