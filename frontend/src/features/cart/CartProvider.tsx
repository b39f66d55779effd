import { useCallback, useEffect, useMemo, useReducer, useState, type ReactNode } from 'react';
import { CartContext, type CartValue } from './CartContext';
import { cartReducer, newCartId, totalQuantity } from './cartReducer';
import { CART_STORAGE_KEY, loadCart, parseStoredCart, saveCart } from './cartStorage';

function removedNotice(count: number): string {
  return count === 1
    ? 'A book in your cart is no longer sold here, so we removed it.'
    : `${count} books in your cart are no longer sold here, so we removed them.`;
}

/** Holds the cart, saved to localStorage so it survives reloads and syncs across tabs. */
export function CartProvider({ children }: { children: ReactNode }) {
  const [state, dispatch] = useReducer(cartReducer, undefined, () => loadCart());
  const [notice, setNotice] = useState<string | null>(null);

  useEffect(() => {
    saveCart(state);
  }, [state]);

  useEffect(() => {
    const onStorage = (event: StorageEvent) => {
      if (event.key !== CART_STORAGE_KEY) return;
      const next = parseStoredCart(event.newValue);
      if (next) dispatch({ type: 'replace', state: next });
    };
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }, []);

  const retainOnly = useCallback(
    (ids: ReadonlySet<string>) => {
      const dropped = state.items.filter((line) => !ids.has(line.id)).length;
      if (dropped > 0) {
        dispatch({ type: 'retainOnly', ids });
        setNotice(removedNotice(dropped));
      }
      return dropped;
    },
    [state.items],
  );

  const value = useMemo<CartValue>(
    () => ({
      cartId: state.cartId,
      items: state.items,
      count: totalQuantity(state.items),
      quantityOf: (id) => state.items.find((line) => line.id === id)?.quantity ?? 0,
      add: (id) => dispatch({ type: 'add', id }),
      increment: (id) => dispatch({ type: 'add', id }),
      decrement: (id) => {
        const line = state.items.find((item) => item.id === id);
        if (line) dispatch({ type: 'setQuantity', id, quantity: line.quantity - 1 });
      },
      remove: (id) => dispatch({ type: 'remove', id }),
      reset: () => dispatch({ type: 'reset', cartId: newCartId() }),
      retainOnly,
      notice,
      dismissNotice: () => setNotice(null),
    }),
    [state, notice, retainOnly],
  );

  return <CartContext.Provider value={value}>{children}</CartContext.Provider>;
}
