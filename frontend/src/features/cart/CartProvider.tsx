import { useCallback, useEffect, useMemo, useReducer, useState, type ReactNode } from 'react';
import { useLatest } from '../../lib/useLatest';
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

/** The catalogue the cart follows: the books it lists, and when it was asked for. */
interface FollowedCatalogue {
  listed: ReadonlySet<string>;
  fetchedAt: number;
}

/** Holds the cart, saved to localStorage so it survives reloads and syncs across tabs. */
export function CartProvider({ children }: { children: ReactNode }) {
  // Read before the catalogue is first asked for (CatalogueProvider fetches from an effect), so
  // every catalogue this tab fetches is newer than the lines saved before it opened.
  const [state, dispatch] = useReducer(cartReducer, undefined, () => loadCart());
  const stateRef = useLatest(state);
  const [notice, setNotice] = useState<string | null>(null);
  const [snapshot, setSnapshot] = useState<StockSnapshot | null>(null);
  const [hold, setHold] = useState<CartHold | null>(() => loadHold());
  const [reports, setReports] = useState<ReadonlyMap<string, ReportedCount>>(() => new Map());
  const [stockReport, setStockReport] = useState<StockReport | null>(null);
  const [catalogue, setCatalogue] = useState<FollowedCatalogue | null>(null);
  // When each line another tab saved came in (Date.now()), for judging it by a newer catalogue.
  const [arrivals, setArrivals] = useState<ReadonlyMap<string, number>>(() => new Map());
  const cartHold = hold?.cartId === state.cartId ? hold : null;
  const stock = useMemo(() => availableToCart(snapshot, cartHold, reports), [snapshot, cartHold, reports]);
  const items = useMemo(
    () => (catalogue ? state.items.filter((line) => catalogue.listed.has(line.id)) : state.items),
    [state.items, catalogue],
  );

  useEffect(() => {
    saveCart(state);
  }, [state]);

  useEffect(() => {
    const onStorage = (event: StorageEvent) => {
      if (event.key !== CART_STORAGE_KEY) return;
      const next = parseStoredCart(event.newValue);
      if (!next) return;
      const had = new Set(stateRef.current.items.map((line) => line.id));
      const added = next.items.filter((line) => !had.has(line.id));
      if (added.length > 0) {
        const at = Date.now();
        setArrivals((current) => new Map([...current, ...added.map((line): [string, number] => [line.id, at])]));
      }
      dispatch({ type: 'replace', state: next });
    };
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }, [stateRef]);

  const followCatalogue = useCallback(
    (listed: ReadonlySet<string>, fetchedAt: number) => {
      setCatalogue((current) =>
        current?.listed === listed && current.fetchedAt === fetchedAt ? current : { listed, fetchedAt },
      );
      // Lines saved before this catalogue was asked for: the shop no longer sells them.
      const gone = state.items.filter(
        (line) => !listed.has(line.id) && (arrivals.get(line.id) ?? -Infinity) < fetchedAt,
      );
      if (gone.length > 0) {
        const kept = state.items.filter((line) => !gone.includes(line));
        dispatch({ type: 'retainOnly', ids: new Set(kept.map((line) => line.id)) });
        setNotice(removedNotice(gone.length));
      }
    },
    [state.items, arrivals],
  );

  // The newest line from another tab that came in after the followed catalogue was asked for.
  let awaitingCatalogue: number | null = null;
  if (catalogue) {
    for (const line of state.items) {
      const at = arrivals.get(line.id);
      if (at !== undefined && at >= catalogue.fetchedAt && !catalogue.listed.has(line.id)) {
        awaitingCatalogue = Math.max(awaitingCatalogue ?? at, at);
      }
    }
  }

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
      items,
      count: totalQuantity(items),
      quantityOf: (id) => items.find((line) => line.id === id)?.quantity ?? 0,
      availableOf,
      availableGiven: (id, listed, fetchedAt) =>
        availableToCartOf(id, fetchedAt === null ? null : { count: listed, fetchedAt }, cartHold, reports) ?? listed,
      limitOf,
      shortages: shortagesOf(items, stock),
      add: (id) => dispatch({ type: 'add', id, limit: limitOf(id) }),
      increment: (id) => dispatch({ type: 'add', id, limit: limitOf(id) }),
      decrement: (id) => {
        const line = state.items.find((item) => item.id === id);
        if (line) dispatch({ type: 'setQuantity', id, quantity: line.quantity - 1 });
      },
      setQuantity: (id, quantity) => dispatch({ type: 'setQuantity', id, quantity }),
      remove: (id) => dispatch({ type: 'remove', id }),
      reset: () => dispatch({ type: 'reset', cartId: newCartId() }),
      followCatalogue,
      awaitingCatalogue,
      followStock,
      noteHold,
      fitToStock,
      stockReport,
      reportStock,
      notice,
      dismissNotice: () => setNotice(null),
    };
  }, [
    state,
    items,
    stock,
    cartHold,
    reports,
    notice,
    followCatalogue,
    awaitingCatalogue,
    followStock,
    noteHold,
    fitToStock,
    stockReport,
    reportStock,
  ]);

  return <CartContext.Provider value={value}>{children}</CartContext.Provider>;
}
