import { api, type Book } from '../../lib/api';

export async function getBooks(): Promise<Book[]> {
  const { books } = await api.get<{ books: Book[] }>('/api/books');
  return books;
}
