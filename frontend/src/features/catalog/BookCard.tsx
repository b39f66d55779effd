import { Link } from 'wouter';
import type { Book } from '../../lib/api';
import { formatMoney } from '../../lib/money';
import { AddToCartButton } from './AddToCartButton';
import { BookCover } from '../../components/BookCover';
import { stockLabel, useAvailable } from './stock';
import './catalog.css';

export function BookCard({ book }: { book: Book }) {
  const available = useAvailable(book);
  // Sold out is said by the add button itself ("Sold out", disabled); few copies just above it.
  const low = available > 0 ? stockLabel(available) : null;
  return (
    <li className={available > 0 ? 'book-card' : 'book-card book-card--sold-out'}>
      <Link to={`/books/${encodeURIComponent(book.id)}`} className="book-card__link">
        <BookCover book={book} decorative className="book-card__cover" />
        <h2 className="book-card__title">{book.title}</h2>
      </Link>
      <p className="book-card__author">{book.author}</p>
      <p className="book-card__meta">
        <span>{book.format}</span>
        <span className="book-card__price">{formatMoney(book.price, book.currency)}</span>
      </p>
      <div className="book-card__add">
        {low && <p className="stock-note">{low}</p>}
        <AddToCartButton book={book} />
      </div>
    </li>
  );
}
