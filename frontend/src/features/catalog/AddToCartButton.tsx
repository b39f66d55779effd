import type { Book } from '../../lib/api';
import { useCart } from '../cart/CartContext';
import { MAX_QUANTITY } from '../cart/cartReducer';

/**
 * "Add to cart" and, once the book is in the cart, how many copies are. The button's name is
 * its visible text followed by the title ("Add to cart: The Dream Machine"), so speech users
 * can say what they see and screen-reader users know which book it adds.
 */
export function AddToCartButton({ book, className = '' }: { book: Book; className?: string }) {
  const cart = useCart();
  const quantity = cart.quantityOf(book.id);
  const atMax = quantity >= MAX_QUANTITY;

  const label = atMax ? `Limit of ${MAX_QUANTITY} reached` : 'Add to cart';
  return (
    <div className={`add-to-cart ${className}`}>
      <button
        type="button"
        className="button button--primary"
        aria-label={`${label}: ${book.title}`}
        disabled={atMax}
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
