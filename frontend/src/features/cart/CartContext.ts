import { createContext, useContext } from 'react';
import type { CartLine } from './cartReducer';

export interface CartValue {
  cartId: string;
  items: CartLine[];
  /** Total number of books (sum of quantities). */
  count: number;
  quantityOf: (id: string) => number;
  add: (id: string) => void;
  increment: (id: string) => void;
  decrement: (id: string) => void;
  remove: (id: string) => void;
  /** Empties the cart and gives it a new cartId (after a payment). */
  reset: () => void;
  /** Drops lines whose ids are not in `ids`; returns how many were dropped. */
  retainOnly: (ids: ReadonlySet<string>) => number;
  notice: string | null;
  dismissNotice: () => void;
}

export const CartContext = createContext<CartValue | null>(null);

export function useCart(): CartValue {
  const value = useContext(CartContext);
  if (!value) throw new Error('useCart must be used inside <CartProvider>');
  return value;
}
