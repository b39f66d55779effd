import { createContext, useContext } from 'react';
import type { Book } from '../../lib/api';
import type { ResourceState } from '../../lib/useResource';

export interface CatalogueValue {
  state: ResourceState<Book[]>;
  booksById: ReadonlyMap<string, Book>;
  /** When the request for the books shown started (Date.now()); null until they are loaded. */
  fetchedAt: number | null;
  /** Loads again from scratch, showing the loading state (after an error). */
  reload: () => void;
  /** Asks for the books again while the ones shown stay (new copies available, say). */
  refresh: () => void;
}

export const CatalogueContext = createContext<CatalogueValue | null>(null);

/** The books the shop sells, loaded once for every page (the cart drawer needs them too). */
export function useCatalogue(): CatalogueValue {
  const value = useContext(CatalogueContext);
  if (!value) throw new Error('useCatalogue must be used inside <CatalogueProvider>');
  return value;
}
