import { useLocation } from 'wouter';
import { useCart } from './CartContext';
import './cart.css';

/** Says, on every page but checkout (which has the server's word), that lines are short. */
function shortageNotice(count: number, soldOut: number): string {
  if (count === 1) {
    return soldOut === 1
      ? 'A book in your cart has sold out: open your cart to remove it.'
      : 'A book in your cart has fewer copies left than you chose: open your cart to change it.';
  }
  return `${count} books in your cart have sold out or have fewer copies left than you chose: open your cart to change them.`;
}

/** Tells the shopper when books they had in their cart were dropped, or ran short. */
export function CartNotice() {
  const { notice, dismissNotice, shortages } = useCart();
  const [location] = useLocation();
  const short = location === '/checkout' ? [] : shortages;
  if (!notice && short.length === 0) return null;
  return (
    <>
      {notice && (
        <div className="notice" role="status">
          <p>{notice}</p>
          <button type="button" className="link-button" onClick={dismissNotice}>
            Dismiss
          </button>
        </div>
      )}
      {short.length > 0 && (
        <div className="notice" role="status">
          <p>{shortageNotice(short.length, short.filter((line) => line.available === 0).length)}</p>
        </div>
      )}
    </>
  );
}
