import { useEffect, useRef } from 'react';
import { useCart, type StockReport } from '../features/cart/CartContext';
import { useCatalogue } from '../features/catalog/CatalogueContext';

/**
 * Keeps the cart in step with the catalogue. Here in the app, which composes features, so that
 * the cart never depends on the catalogue:
 * - once the catalogue is known, drops cart lines for books the shop no longer sells, and gives
 *   the cart the copies available of each book (its limits, and the lines now short);
 * - when checkout learns that copies ran out, asks the catalogue for its counts again.
 */
export function CartCatalogueSync() {
  const { state, booksById, fetchedAt, refresh } = useCatalogue();
  const { retainOnly, followStock, stockReport } = useCart();
  const loaded = state.status === 'success';

  useEffect(() => {
    if (loaded) retainOnly(new Set(booksById.keys()));
  }, [loaded, booksById, retainOnly]);

  useEffect(() => {
    if (!loaded || fetchedAt === null) return;
    followStock(new Map([...booksById.values()].map((book) => [book.id, book.available])), fetchedAt);
  }, [loaded, booksById, fetchedAt, followStock]);

  // Once per report (an effect can run twice for one value).
  const refreshedFor = useRef<StockReport | null>(null);
  useEffect(() => {
    if (!stockReport || refreshedFor.current === stockReport) return;
    refreshedFor.current = stockReport;
    refresh();
  }, [stockReport, refresh]);

  return null;
}
