import { Link } from 'wouter';
import { ErrorState } from '../../components/ErrorState';
import { LoadingState } from '../../components/LoadingState';
import { PageTitle } from '../../components/PageTitle';
import type { Book } from '../../lib/api';
import { formatMoney } from '../../lib/money';
import { AddToCartButton } from './AddToCartButton';
import { BookCover } from '../../components/BookCover';
import { useCatalogue } from './CatalogueContext';
import { stockLabel, useAvailable } from './stock';
import './catalog.css';

/** Whether the book can be had, in words: "In stock", "Only 3 left", "Sold out". */
function Availability({ book }: { book: Book }) {
  const available = useAvailable(book);
  const label = stockLabel(available);
  return (
    <div>
      <dt>Availability</dt>
      <dd className={label ? 'stock-note' : undefined}>{label ?? 'In stock'}</dd>
    </div>
  );
}

/** /books/:id — one book from the catalogue, by its id. */
export function BookPage({ id }: { id: string }) {
  const { state, booksById, reload } = useCatalogue();

  if (state.status === 'loading') return <LoadingState label="Loading the book…" />;
  if (state.status === 'error') {
    return <ErrorState title="We couldn't load this book" error={state.error} onRetry={reload} />;
  }

  const book = booksById.get(id);
  if (!book) {
    return (
      <section className="page state">
        <PageTitle title="Book not found" />
        <h1 className="page__title" tabIndex={-1}>
          We couldn't find that book
        </h1>
        <Link to="/" className="button button--secondary">
          Back to the shop
        </Link>
      </section>
    );
  }

  return (
    <article className="page book-detail" aria-labelledby="book-title">
      <PageTitle title={book.title} />
      <BookCover book={book} className="book-detail__cover" />
      <div className="book-detail__info">
        <h1 id="book-title" className="page__title" tabIndex={-1}>
          {book.title}
        </h1>
        <p className="book-detail__author">{book.author}</p>
        <p className="book-detail__description">{book.description}</p>
        <dl className="book-detail__facts">
          <div>
            <dt>Format</dt>
            <dd>{book.format}</dd>
          </div>
          <div>
            <dt>Published</dt>
            <dd>{book.year}</dd>
          </div>
          <div>
            <dt>Price</dt>
            <dd>{formatMoney(book.price, book.currency)}</dd>
          </div>
          <Availability book={book} />
        </dl>
        <AddToCartButton book={book} />
        <p className="book-detail__back">
          <Link to="/" className="link">
            ← All books
          </Link>
        </p>
      </div>
    </article>
  );
}
