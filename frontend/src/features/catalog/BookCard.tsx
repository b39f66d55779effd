import { Link } from 'wouter';
import type { Book } from '../../lib/api';
import { formatMoney } from '../../lib/money';
import { AddToCartButton } from './AddToCartButton';
import { BookCover } from '../../components/BookCover';

export function BookCard({ book }: { book: Book }) {
  return (
    <li className="book-card">
      <Link to={`/books/${encodeURIComponent(book.id)}`} className="book-card__link">
        <BookCover book={book} decorative className="book-card__cover" />
        <h2 className="book-card__title">{book.title}</h2>
      </Link>
      <p className="book-card__author">{book.author}</p>
      <p className="book-card__meta">
        <span>{book.format}</span>
        <span className="book-card__price">{formatMoney(book.price, book.currency)}</span>
      </p>
      <AddToCartButton book={book} className="book-card__add" />
    </li>
  );
}
