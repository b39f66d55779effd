import { useEffect, useMemo, useRef } from 'react';
import { useCart, type StockReport } from '../features/cart/CartContext';
import { useCatalogue } from '../features/catalog/CatalogueContext';

/**
 * Keeps the cart in step with the catalogue. Here in the app, which composes features, so that
 * the cart never depends on the catalogue:
 * - once the catalogue is known, the cart follows it: it shows only books on sale, and drops
 *   lines the shop no longer sells; it also learns the copies available of each book (its
 *   limits, and the lines now short);
 * - when another tab saved a line this catalogue does not list (a title newer than it),
 *   asks for the catalogue again, which then shows or drops the line;
 * - when checkout learns that copies ran out, asks the catalogue for its counts again.
 */
export function CartCatalogueSync() {
  const { state, booksById, fetchedAt, refresh } = useCatalogue();
  const { followCatalogue, awaitingCatalogue, followStock, stockReport } = useCart();
  const loaded = state.status === 'success';
  const listed = useMemo(() => new Set(booksById.keys()), [booksById]);

  useEffect(() => {
    if (loaded && fetchedAt !== null) followCatalogue(listed, fetchedAt);
  }, [loaded, listed, fetchedAt, followCatalogue]);

  useEffect(() => {
    if (!loaded || fetchedAt === null) return;
    followStock(new Map([...booksById.values()].map((book) => [book.id, book.available])), fetchedAt);
  }, [loaded, booksById, fetchedAt, followStock]);

  // Once per report, and once per line from another tab (an effect can run twice for one value).
  const refreshedFor = useRef<StockReport | null>(null);
  useEffect(() => {
    if (!stockReport || refreshedFor.current === stockReport) return;
    refreshedFor.current = stockReport;
    refresh();
  }, [stockReport, refresh]);

  const refreshedForLine = useRef<number | null>(null);
  useEffect(() => {
    if (awaitingCatalogue === null || refreshedForLine.current === awaitingCatalogue) return;
    refreshedForLine.current = awaitingCatalogue;
    refresh();
  }, [awaitingCatalogue, refresh]);

  return null;
}
