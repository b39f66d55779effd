import { Link } from 'wouter';
import { Drawer } from '../../components/Drawer';
import type { Book } from '../../lib/api';
import { formatMoney } from '../../lib/money';
import { BookCover } from '../../components/BookCover';
import { useCart } from './CartContext';
import { MAX_QUANTITY, type CartLine } from './cartReducer';

interface CartDrawerProps {
  open: boolean;
  onClose: () => void;
  /** The books on sale, for titles, covers and prices; lines without one show their id. */
  booksById: ReadonlyMap<string, Book>;
}

function CartLineRow({ line, book }: { line: CartLine; book: Book | undefined }) {
  const cart = useCart();
  const title = book?.title ?? line.id;
  return (
    <li className="cart-line">
      {book && <BookCover book={book} decorative thumbnail className="cart-line__cover" />}
      <div className="cart-line__info">
        <p className="cart-line__title">{title}</p>
        {book && (
          <p className="cart-line__meta">
            {book.author} · {formatMoney(book.price, book.currency)}
          </p>
        )}
        <div className="cart-line__controls">
          <div className="stepper" role="group" aria-label={`Quantity of ${title}`}>
            <button
              type="button"
              className="stepper__button"
              aria-label={`Decrease quantity of ${title}`}
              disabled={line.quantity <= 1}
              onClick={() => cart.decrement(line.id)}
            >
              −
            </button>
            <output className="stepper__value" aria-live="polite">
              {line.quantity}
            </output>
            <button
              type="button"
              className="stepper__button"
              aria-label={`Increase quantity of ${title}`}
              disabled={line.quantity >= MAX_QUANTITY}
              onClick={() => cart.increment(line.id)}
            >
              +
            </button>
          </div>
          <button
            type="button"
            className="link-button"
            aria-label={`Remove ${title}`}
            onClick={() => cart.remove(line.id)}
          >
            Remove
          </button>
        </div>
      </div>
      {book && <p className="cart-line__total">{formatMoney(book.price * line.quantity, book.currency)}</p>}
    </li>
  );
}

/** Subtotal estimated from catalogue prices; the server prices the real total at checkout. */
function estimateSubtotal(items: CartLine[], booksById: ReadonlyMap<string, Book>) {
  let amount = 0;
  let currency = 'usd';
  for (const line of items) {
    const book = booksById.get(line.id);
    if (!book) continue;
    amount += book.price * line.quantity;
    currency = book.currency;
  }
  return { amount, currency };
}

export function CartDrawer({ open, onClose, booksById }: CartDrawerProps) {
  const cart = useCart();
  const empty = cart.items.length === 0;
  const subtotal = estimateSubtotal(cart.items, booksById);

  const footer = empty ? null : (
    <>
      <dl className="summary-row">
        <dt>Subtotal</dt>
        <dd>{formatMoney(subtotal.amount, subtotal.currency)}</dd>
      </dl>
      <p className="fine-print">The final total is confirmed at checkout.</p>
      <Link to="/checkout" className="button button--primary button--block" onClick={onClose}>
        Checkout
      </Link>
    </>
  );

  return (
    <Drawer open={open} title="Your cart" onClose={onClose} footer={footer}>
      {empty ? (
        <div className="cart-empty">
          <p>Your cart is empty</p>
          <Link to="/" className="button button--secondary" onClick={onClose}>
            Browse books
          </Link>
        </div>
      ) : (
        <ul className="cart-lines">
          {cart.items.map((line) => (
            <CartLineRow key={line.id} line={line} book={booksById.get(line.id)} />
          ))}
        </ul>
      )}
    </Drawer>
  );
}
