import { createContext, useContext } from 'react';
import type { CartLine, StockCount } from './cartReducer';

/** A line asking for more copies than the shop has now: sold out (0) or fewer left. */
export interface CartShortage {
  id: string;
  quantity: number;
  available: number;
}

/** The copies available of some titles, as checkout found them (exact, unlike the shelf's hint). */
export interface StockReport {
  counts: readonly StockCount[];
}

/** A title checkout found short, named so the shopper can be told what changed. */
export interface TitledStockCount extends StockCount {
  title: string;
}

export interface CartValue {
  cartId: string;
  /** The lines to show, price and check out: all of them, or those the catalogue lists. */
  items: CartLine[];
  /** Total number of books (sum of quantities). */
  count: number;
  quantityOf: (id: string) => number;
  /** Copies of `id` the shop can sell now, as far as it is known; null when unknown. */
  availableOf: (id: string) => number | null;
  /**
   * The same for a catalogue copy the cart may not follow yet: `listed` copies of `id` in the
   * copy fetched at `fetchedAt`, with this cart's own hold and checkout's word applied.
   */
  availableGiven: (id: string, listed: number, fetchedAt: number | null) => number;
  /** The most copies of `id` the cart takes: MAX_QUANTITY, or fewer when fewer are available. */
  limitOf: (id: string) => number;
  /** Lines asking for more copies than are available, in cart order. */
  shortages: CartShortage[];
  /** Adds a copy, up to limitOf(id). */
  add: (id: string) => void;
  increment: (id: string) => void;
  decrement: (id: string) => void;
  /** Sets a line's quantity (1 to MAX_QUANTITY). */
  setQuantity: (id: string, quantity: number) => void;
  remove: (id: string) => void;
  /** Empties the cart and gives it a new cartId (after a payment). */
  reset: () => void;
  /**
   * Follows the catalogue asked for at `fetchedAt` (Date.now()), which lists `listed`: only
   * lines it lists are in `items`. A line it does not list is removed, and the shopper told,
   * when that catalogue was asked for after the line came into this tab: the shop no longer
   * sells it. A line another tab saved since then stays stored, out of `items`: that tab may
   * know a title this tab's catalogue does not list yet, and removing it here would remove it
   * there too.
   */
  followCatalogue: (listed: ReadonlySet<string>, fetchedAt: number) => void;
  /**
   * When the newest line waiting for a newer catalogue came in from another tab (Date.now());
   * null when none is waiting.
   */
  awaitingCatalogue: number | null;
  /**
   * The catalogue's copies available of every book on sale, from the request started at
   * `fetchedAt` (Date.now()), for limits and shortages.
   */
  followStock: (available: ReadonlyMap<string, number>, fetchedAt: number) => void;
  /** Pay was accepted for `items` of `cartId`: the server holds those copies for this cart now. */
  noteHold: (cartId: string, items: readonly CartLine[]) => void;
  /**
   * Changes the cart to what checkout found available: lines lowered, sold-out titles removed,
   * and a notice that says what changed.
   */
  fitToStock: (counts: readonly TitledStockCount[]) => void;
  /** Checkout's latest word on copies available (a new object each time), for the catalogue. */
  stockReport: StockReport | null;
  /** Checkout found these copies available for this cart (a 409 `insufficient_stock`). */
  reportStock: (counts: readonly StockCount[]) => void;
  notice: string | null;
  dismissNotice: () => void;
}

export const CartContext = createContext<CartValue | null>(null);

export function useCart(): CartValue {
  const value = useContext(CartContext);
  if (!value) throw new Error('useCart must be used inside <CartProvider>');
  return value;
}
