import type { ReactNode } from 'react';
import { ConfigProvider } from '../config/ConfigProvider';
import { CartProvider } from '../features/cart/CartProvider';
import { CatalogueProvider } from '../features/catalog/CatalogueProvider';

/** Everything the pages share: server config, the catalogue and the cart. */
export function AppProviders({ children }: { children: ReactNode }) {
  return (
    <ConfigProvider>
      <CatalogueProvider>
        <CartProvider>{children}</CartProvider>
      </CatalogueProvider>
    </ConfigProvider>
  );
}
