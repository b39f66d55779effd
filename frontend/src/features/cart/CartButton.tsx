import { useCart } from './CartContext';

interface CartButtonProps {
  expanded: boolean;
  onClick: () => void;
}

/**
 * "Cart" and a count badge. The name comes from the content, "Cart (2 items)", so it starts
 * with the visible label; the badge's bare number is for the eye only.
 */
export function CartButton({ expanded, onClick }: CartButtonProps) {
  const { count } = useCart();
  return (
    <button type="button" className="cart-button" aria-haspopup="dialog" aria-expanded={expanded} onClick={onClick}>
      <svg className="cart-button__icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
        <path d="M5 8h14l-1.2 12H6.2z M9 8V6a3 3 0 0 1 6 0v2" fill="none" stroke="currentColor" strokeWidth="1.5" />
      </svg>
      <span className="cart-button__label">Cart</span>{' '}
      <span className="visually-hidden">{`(${count} ${count === 1 ? 'item' : 'items'})`}</span>
      <span className="cart-button__count" aria-hidden="true">
        {count}
      </span>
    </button>
  );
}
