import { useMemo, type ReactNode } from 'react';
import type { Book } from '../../lib/api';
import { useResource } from '../../lib/useResource';
import { getBooks } from './api';
import { CatalogueContext, type CatalogueValue } from './CatalogueContext';

const NO_BOOKS: ReadonlyMap<string, Book> = new Map();

export function CatalogueProvider({ children }: { children: ReactNode }) {
  const { state, reload } = useResource('books', getBooks);
  const books = state.status === 'success' ? state.data : null;
  const booksById = useMemo(
    () => (books ? new Map(books.map((book) => [book.id, book])) : NO_BOOKS),
    [books],
  );
  const value = useMemo<CatalogueValue>(() => ({ state, booksById, reload }), [state, booksById, reload]);
  return <CatalogueContext.Provider value={value}>{children}</CatalogueContext.Provider>;
}
