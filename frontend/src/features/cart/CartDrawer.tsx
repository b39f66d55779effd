import { useId, useRef } from 'react';
import { Link } from 'wouter';
import { Drawer } from '../../components/Drawer';
import type { Book } from '../../lib/api';
import { formatMoney } from '../../lib/money';
import { BookCover } from '../../components/BookCover';
import { useCart, type CartShortage } from './CartContext';
import type { CartLine } from './cartReducer';
import './cart.css';

interface CartDrawerProps {
  open: boolean;
  onClose: () => void;
  /** The books on sale, for titles, covers and prices; lines without one show their id. */
  booksById: ReadonlyMap<string, Book>;
}

/** At or below this many copies a line says how many are left. */
const LOW_STOCK = 5;

/** What is wrong with a line that asks for more copies than there are, and what to do. */
interface LineProblemProps {
  id: string;
  title: string;
  quantity: number;
  available: number;
  onReduce: () => void;
}

function LineProblem({ id, title, quantity, available, onReduce }: LineProblemProps) {
  if (available === 0) {
    return (
      <p id={id} className="cart-line__problem">
        Sold out. Remove it to check out.
      </p>
    );
  }
  return (
    <div id={id} className="cart-line__problem">
      <p>{`Only ${available} left, and ${quantity} in your cart. Reduce to ${available} to check out.`}</p>
      <button
        type="button"
        className="button button--secondary cart-line__fix"
        aria-label={`Reduce to ${available}: ${title}`}
        onClick={onReduce}
      >
        Reduce to {available}
      </button>
    </div>
  );
}

function CartLineRow({ line, book }: { line: CartLine; book: Book | undefined }) {
  const cart = useCart();
  const problemId = useId();
  const titleRef = useRef<HTMLParagraphElement>(null);
  const title = book?.title ?? line.id;
  const available = cart.availableOf(line.id);
  const short = available !== null && line.quantity > available;
  const few = !short && available !== null && available <= LOW_STOCK;
  return (
    <li className={short ? 'cart-line cart-line--short' : 'cart-line'}>
      {book && <BookCover book={book} decorative thumbnail className="cart-line__cover" />}
      <div className="cart-line__info">
        {/* Focus lands here when the line's problem (and its button) goes away. */}
        <p ref={titleRef} className="cart-line__title" tabIndex={-1}>
          {title}
        </p>
        {book && (
          <p className="cart-line__meta">
            {book.author} · {formatMoney(book.price, book.currency)}
          </p>
        )}
        {few && <p className="cart-line__stock">{`Only ${available} left`}</p>}
        <div className="cart-line__controls">
          <div
            className="stepper"
            role="group"
            aria-label={`Quantity of ${title}`}
            aria-describedby={short ? problemId : undefined}
          >
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
              disabled={line.quantity >= cart.limitOf(line.id)}
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
        {short && (
          <LineProblem
            id={problemId}
            title={title}
            quantity={line.quantity}
            available={available}
            onReduce={() => {
              cart.setQuantity(line.id, available);
              titleRef.current?.focus();
            }}
          />
        )}
      </div>
      {book && <p className="cart-line__total">{formatMoney(book.price * line.quantity, book.currency)}</p>}
    </li>
  );
}

/** Above the Checkout button: which lines to change first (checkout would refuse them). */
function shortageWarning(shortages: readonly CartShortage[]): string {
  if (shortages.length > 1) {
    return `${shortages.length} books above are sold out or have fewer copies left than you chose: change them before you check out.`;
  }
  return shortages[0]?.available === 0
    ? 'One book above is sold out: remove it before you check out.'
    : 'One book above has fewer copies left than you chose: change it before you check out.';
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
  const { shortages } = cart;

  const footer = empty ? null : (
    <>
      <dl className="summary-row">
        <dt>Subtotal</dt>
        <dd>{formatMoney(subtotal.amount, subtotal.currency)}</dd>
      </dl>
      {shortages.length > 0 && <p className="cart-warning">{shortageWarning(shortages)}</p>}
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
