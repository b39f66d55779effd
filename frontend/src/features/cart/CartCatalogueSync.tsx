import { useEffect } from 'react';
import { useCatalogue } from '../catalog/CatalogueContext';
import { useCart } from './CartContext';

/** Once the catalogue is known, drops cart lines for books the shop no longer sells. */
export function CartCatalogueSync() {
  const { state, booksById } = useCatalogue();
  const { retainOnly } = useCart();
  const loaded = state.status === 'success';

  useEffect(() => {
    if (loaded) retainOnly(new Set(booksById.keys()));
  }, [loaded, booksById, retainOnly]);

  return null;
}
