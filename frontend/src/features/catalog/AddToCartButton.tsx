import type { Book } from '../../lib/api';
import { useCart } from '../cart/CartContext';
import { MAX_QUANTITY } from '../cart/cartReducer';
import { useAvailable } from './stock';

/** The button's words: what it does, or why it cannot. */
function buttonLabel(quantity: number, available: number): string {
  if (available <= 0) return 'Sold out';
  if (quantity >= MAX_QUANTITY) return `Limit of ${MAX_QUANTITY} reached`;
  if (quantity >= available) return 'All copies in your cart';
  return 'Add to cart';
}

/**
 * "Add to cart" and, once the book is in the cart, how many copies are. The button's name is
 * its visible text followed by the title ("Add to cart: The Dream Machine"), so speech users
 * can say what they see and screen-reader users know which book it adds. When no more copies
 * can be added it is disabled and says why ("Sold out", "All copies in your cart").
 */
export function AddToCartButton({ book, className = '' }: { book: Book; className?: string }) {
  const cart = useCart();
  const quantity = cart.quantityOf(book.id);
  const available = useAvailable(book);
  const label = buttonLabel(quantity, available);

  return (
    <div className={`add-to-cart ${className}`}>
      <button
        type="button"
        className="button button--primary"
        aria-label={`${label}: ${book.title}`}
        disabled={label !== 'Add to cart'}
        onClick={() => cart.add(book.id)}
      >
        {label}
      </button>
      <p className="add-to-cart__status" role="status">
        {quantity > 0 && `${quantity} in your cart`}
      </p>
    </div>
  );
}
