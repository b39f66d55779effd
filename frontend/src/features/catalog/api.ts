import { api, type Book, type BookList } from '../../lib/api';

export async function getBooks(): Promise<Book[]> {
  const { books } = await api.get<BookList>('/api/books');
  return books;
}
