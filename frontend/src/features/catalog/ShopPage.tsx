import { ErrorState } from '../../components/ErrorState';
import { BookCard } from './BookCard';
import { useCatalogue } from './CatalogueContext';

function CatalogueSkeleton() {
  return (
    <div role="status" aria-label="Loading books">
      <ul className="book-grid" aria-hidden="true">
        {Array.from({ length: 8 }, (_, index) => (
          <li key={index} className="book-card book-card--skeleton">
            <div className="skeleton skeleton--cover" />
            <div className="skeleton skeleton--line" />
            <div className="skeleton skeleton--line skeleton--short" />
          </li>
        ))}
      </ul>
    </div>
  );
}

export function ShopPage() {
  const { state, reload } = useCatalogue();

  return (
    <section className="page" aria-labelledby="shop-title">
      <header className="page__intro">
        <h1 id="shop-title" className="page__title" tabIndex={-1}>
          Ideas for progress
        </h1>
        <p className="page__lede">
          Books about technology, science and economic progress, printed with care.
        </p>
      </header>
      {state.status === 'loading' && <CatalogueSkeleton />}
      {state.status === 'error' && (
        <ErrorState title="We couldn't load the books" error={state.error} onRetry={reload} />
      )}
      {state.status === 'success' &&
        (state.data.length === 0 ? (
          <p className="state">No books are for sale right now. Please check back soon.</p>
        ) : (
          <ul className="book-grid" aria-label="Books">
            {state.data.map((book) => (
              <BookCard key={book.id} book={book} />
            ))}
          </ul>
        ))}
    </section>
  );
}
