import type { ReactNode } from 'react';
import { ConfigProvider } from '../config/ConfigProvider';
import { CartProvider } from '../features/cart/CartProvider';
import { CatalogueProvider } from '../features/catalog/CatalogueProvider';

/**
 * Everything the pages share: the catalogue, the cart and the server's config. The catalogue
 * needs no config, so it sits outside <ConfigProvider> (which renders nothing below it until
 * /config answers): the first render asks for /api/books and /config at the same time. The
 * cart reads the saved cart before the books are asked for, so the first catalogue is newer
 * than every line saved before this tab opened.
 */
export function AppProviders({ children }: { children: ReactNode }) {
  return (
    <CatalogueProvider>
      <CartProvider>
        <ConfigProvider>{children}</ConfigProvider>
      </CartProvider>
    </CatalogueProvider>
  );
}
