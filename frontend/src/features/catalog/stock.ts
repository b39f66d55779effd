import type { Book } from '../../lib/api';
import { useCart } from '../cart/CartContext';
import { useCatalogue } from './CatalogueContext';

/** At or below this many copies the shop says how many are left. */
export const LOW_STOCK = 5;

/**
 * Copies of `book` this shopper can have: the cart's count when it knows better than the
 * catalogue (its own checkout holds some, or checkout found fewer), else the catalogue's.
 */
export function useAvailable(book: Book): number {
  const { fetchedAt } = useCatalogue();
  return useCart().availableGiven(book.id, book.available, fetchedAt);
}

/** "Sold out", "Only 3 left", or null when there are plenty. */
export function stockLabel(available: number): string | null {
  if (available <= 0) return 'Sold out';
  return available <= LOW_STOCK ? `Only ${available} left` : null;
}
