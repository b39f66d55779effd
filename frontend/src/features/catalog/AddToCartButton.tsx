import { useEffect, useState } from 'react';
import type { Book } from '../../lib/api';
import { useCart } from '../cart/CartContext';
import { MAX_QUANTITY } from '../cart/cartReducer';

/** "Add to cart", with a short "Added" confirmation and a stop at the per-book maximum. */
export function AddToCartButton({ book, className = '' }: { book: Book; className?: string }) {
  const cart = useCart();
  const [justAdded, setJustAdded] = useState(false);
  const atMax = cart.quantityOf(book.id) >= MAX_QUANTITY;

  useEffect(() => {
    if (!justAdded) return;
    const timer = window.setTimeout(() => setJustAdded(false), 1500);
    return () => window.clearTimeout(timer);
  }, [justAdded]);

  let label = 'Add to cart';
  if (atMax) label = `Limit of ${MAX_QUANTITY} reached`;
  else if (justAdded) label = 'Added ✓';

  return (
    <button
      type="button"
      className={`button button--primary ${className}`}
      aria-label={`Add ${book.title} to cart`}
      disabled={atMax}
      onClick={() => {
        cart.add(book.id);
        setJustAdded(true);
      }}
    >
      {label}
    </button>
  );
}
