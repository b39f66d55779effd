import { useCart } from './CartContext';

/** Tells the shopper when books they had in their cart were dropped. */
export function CartNotice() {
  const { notice, dismissNotice } = useCart();
  if (!notice) return null;
  return (
    <div className="notice" role="status">
      <p>{notice}</p>
      <button type="button" className="link-button" onClick={dismissNotice}>
        Dismiss
      </button>
    </div>
  );
}
