import { useCallback, useEffect, useMemo, useReducer, useState, type ReactNode } from 'react';
import {
  CartContext,
  type CartShortage,
  type CartValue,
  type StockReport,
  type TitledStockCount,
} from './CartContext';
import { MAX_QUANTITY, cartReducer, newCartId, totalQuantity, type CartLine, type StockCount } from './cartReducer';
import {
  availableToCart,
  availableToCartOf,
  loadHold,
  saveHold,
  withReports,
  type CartHold,
  type ReportedCount,
  type StockSnapshot,
} from './cartStock';
import { CART_STORAGE_KEY, loadCart, parseStoredCart, saveCart } from './cartStorage';

function removedNotice(count: number): string {
  return count === 1
    ? 'A book in your cart is no longer sold here, so we removed it.'
    : `${count} books in your cart are no longer sold here, so we removed them.`;
}

/** What fitting `items` to `counts` changes, in words; null when it changes nothing. */
function fittedNotice(items: readonly CartLine[], counts: readonly TitledStockCount[]): string | null {
  const changes: string[] = [];
  for (const count of counts) {
    const line = items.find((item) => item.id === count.id);
    if (!line || line.quantity <= count.available) continue;
    changes.push(
      count.available === 0
        ? `removed ${count.title} (sold out)`
        : `${count.title} lowered to ${count.available} (only ${count.available} left)`,
    );
  }
  return changes.length > 0 ? `We changed your cart to the copies available: ${changes.join('; ')}.` : null;
}

function shortagesOf(items: readonly CartLine[], stock: ReadonlyMap<string, number>): CartShortage[] {
  const short: CartShortage[] = [];
  for (const line of items) {
    const available = stock.get(line.id);
    if (available !== undefined && line.quantity > available) short.push({ ...line, available });
  }
  return short;
}

/** Holds the cart, saved to localStorage so it survives reloads and syncs across tabs. */
export function CartProvider({ children }: { children: ReactNode }) {
  const [state, dispatch] = useReducer(cartReducer, undefined, () => loadCart());
  const [notice, setNotice] = useState<string | null>(null);
  const [snapshot, setSnapshot] = useState<StockSnapshot | null>(null);
  const [hold, setHold] = useState<CartHold | null>(() => loadHold());
  const [reports, setReports] = useState<ReadonlyMap<string, ReportedCount>>(() => new Map());
  const [stockReport, setStockReport] = useState<StockReport | null>(null);
  const cartHold = hold?.cartId === state.cartId ? hold : null;
  const stock = useMemo(() => availableToCart(snapshot, cartHold, reports), [snapshot, cartHold, reports]);

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

  const fitToStock = useCallback(
    (counts: readonly TitledStockCount[]) => {
      const said = fittedNotice(state.items, counts);
      dispatch({ type: 'fitToStock', counts });
      if (said) setNotice(said);
    },
    [state.items],
  );

  const followStock = useCallback(
    (available: ReadonlyMap<string, number>, fetchedAt: number) => setSnapshot({ available, fetchedAt }),
    [],
  );
  const noteHold = useCallback((cartId: string, items: readonly CartLine[]) => {
    const next = { cartId, items: items.map(({ id, quantity }) => ({ id, quantity })), at: Date.now() };
    saveHold(next);
    setHold(next);
  }, []);
  const reportStock = useCallback((counts: readonly StockCount[]) => {
    setReports((current) => withReports(current, counts, Date.now()));
    setStockReport({ counts });
  }, []);

  const value = useMemo<CartValue>(() => {
    const availableOf = (id: string) => stock.get(id) ?? null;
    const limitOf = (id: string) => Math.min(MAX_QUANTITY, availableOf(id) ?? MAX_QUANTITY);
    return {
      cartId: state.cartId,
      items: state.items,
      count: totalQuantity(state.items),
      quantityOf: (id) => state.items.find((line) => line.id === id)?.quantity ?? 0,
      availableOf,
      availableGiven: (id, listed, fetchedAt) =>
        availableToCartOf(id, fetchedAt === null ? null : { count: listed, fetchedAt }, cartHold, reports) ?? listed,
      limitOf,
      shortages: shortagesOf(state.items, stock),
      add: (id) => dispatch({ type: 'add', id, limit: limitOf(id) }),
      increment: (id) => dispatch({ type: 'add', id, limit: limitOf(id) }),
      decrement: (id) => {
        const line = state.items.find((item) => item.id === id);
        if (line) dispatch({ type: 'setQuantity', id, quantity: line.quantity - 1 });
      },
      setQuantity: (id, quantity) => dispatch({ type: 'setQuantity', id, quantity }),
      remove: (id) => dispatch({ type: 'remove', id }),
      reset: () => dispatch({ type: 'reset', cartId: newCartId() }),
      retainOnly,
      followStock,
      noteHold,
      fitToStock,
      stockReport,
      reportStock,
      notice,
      dismissNotice: () => setNotice(null),
    };
  }, [state, stock, cartHold, reports, notice, retainOnly, followStock, noteHold, fitToStock, stockReport, reportStock]);

  return <CartContext.Provider value={value}>{children}</CartContext.Provider>;
}
