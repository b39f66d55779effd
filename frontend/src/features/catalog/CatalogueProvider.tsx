import { useCallback, useMemo, useRef, useState, type ReactNode } from 'react';
import type { Book } from '../../lib/api';
import { useLatest } from '../../lib/useLatest';
import { useResource, type ResourceState } from '../../lib/useResource';
import { getBooks } from './api';
import { CatalogueContext, type CatalogueValue } from './CatalogueContext';

const NO_BOOKS: ReadonlyMap<string, Book> = new Map();

interface Fetched {
  books: Book[];
  fetchedAt: number;
}

async function fetchBooks(): Promise<Fetched> {
  const fetchedAt = Date.now();
  return { books: await getBooks(), fetchedAt };
}

export function CatalogueProvider({ children }: { children: ReactNode }) {
  const { state: loaded, reload } = useResource('books', fetchBooks);
  // A newer copy from refresh(), shown instead of the one it refreshed (a reload starts over).
  const [refreshed, setRefreshed] = useState<{ over: ResourceState<Fetched>; fetched: Fetched } | null>(null);
  const loadedRef = useLatest(loaded);
  const lastRefresh = useRef(0);

  const refresh = useCallback(() => {
    const over = loadedRef.current;
    // Loading already, or failed: the load under way, or the shopper's retry, brings new books.
    if (over.status !== 'success') return;
    const ticket = ++lastRefresh.current;
    fetchBooks().then(
      (fetched) => {
        // Only the newest refresh counts: an older answer arriving late is older data.
        if (ticket === lastRefresh.current) setRefreshed({ over, fetched });
      },
      () => {
        // The books shown stay; they are a hint, and checkout checks again.
      },
    );
  }, [loadedRef]);

  const current =
    loaded.status === 'success' ? (refreshed?.over === loaded ? refreshed.fetched : loaded.data) : null;
  const state = useMemo<ResourceState<Book[]>>(() => {
    if (current) return { status: 'success', data: current.books };
    return loaded.status === 'error' ? loaded : { status: 'loading' };
  }, [current, loaded]);
  const booksById = useMemo(
    () => (current ? new Map(current.books.map((book) => [book.id, book])) : NO_BOOKS),
    [current],
  );
  const fetchedAt = current?.fetchedAt ?? null;
  const value = useMemo<CatalogueValue>(
    () => ({ state, booksById, fetchedAt, reload, refresh }),
    [state, booksById, fetchedAt, reload, refresh],
  );
  return <CatalogueContext.Provider value={value}>{children}</CatalogueContext.Provider>;
}
