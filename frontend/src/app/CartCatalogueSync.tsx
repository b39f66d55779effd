import { useEffect } from 'react';
import { useCart } from '../features/cart/CartContext';
import { useCatalogue } from '../features/catalog/CatalogueContext';

/**
 * Once the catalogue is known, drops cart lines for books the shop no longer sells. Here in
 * the app, which composes features, so that the cart never depends on the catalogue.
 */
export function CartCatalogueSync() {
  const { state, booksById } = useCatalogue();
  const { retainOnly } = useCart();
  const loaded = state.status === 'success';

  useEffect(() => {
    if (loaded) retainOnly(new Set(booksById.keys()));
  }, [loaded, booksById, retainOnly]);

  return null;
}
