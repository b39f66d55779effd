/**
 * The cart saved in localStorage, one cart shared by every tab of the shop.
 *
 * Stored as `{version, cartId, items: [{id, quantity}]}`. Versions:
 * 1. no `version` field;
 * 2. the same fields, and a promise about `items`: they may name books the reading tab's
 *    catalogue does not list yet (another tab, with a newer catalogue, added them), which a
 *    reader keeps stored rather than drops (see CartProvider).
 * A cart saved by a newer build is read for the fields this one knows; a change to those
 * fields needs a new key. The key keeps its first name so that a tab still running an older
 * build, across a deploy, reads and writes the same cart.
 */
import { MAX_QUANTITY, newCartId, type CartLine, type CartState } from './cartReducer';

export const CART_STORAGE_KEY = 'bookstore.cart.v1';
export const CART_FORMAT_VERSION = 2;
const CART_ID_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;

/** A stored line as this build keeps it: a whole number of copies, at most MAX_QUANTITY. */
function lineOf(value: unknown): CartLine | null {
  if (typeof value !== 'object' || value === null) return null;
  const { id, quantity } = value as Record<string, unknown>;
  if (typeof id !== 'string' || id.length === 0 || !Number.isInteger(quantity) || (quantity as number) < 1) {
    return null;
  }
  // Above the limit (a hand-edited store, or a limit lowered since): the most it may be.
  return { id, quantity: Math.min(MAX_QUANTITY, quantity as number) };
}

/** Reads a stored cart, or null when it is missing or not in a shape this build knows. */
export function parseStoredCart(raw: string | null): CartState | null {
  if (!raw) return null;
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return null;
  }
  if (typeof data !== 'object' || data === null) return null;
  const { version = 1, cartId, items } = data as Record<string, unknown>;
  if (!Number.isInteger(version) || typeof cartId !== 'string' || !CART_ID_PATTERN.test(cartId) || !Array.isArray(items)) {
    return null;
  }
  // Merge duplicate ids, which a hand-edited store could hold.
  const merged = new Map<string, number>();
  for (const line of items.map(lineOf)) {
    if (line) merged.set(line.id, Math.min(MAX_QUANTITY, (merged.get(line.id) ?? 0) + line.quantity));
  }
  return { cartId, items: [...merged].map(([id, quantity]) => ({ id, quantity })) };
}

/** The cart saved in this browser, or a new empty one. */
export function loadCart(storage: Storage | null = safeLocalStorage()): CartState {
  let raw: string | null = null;
  try {
    raw = storage?.getItem(CART_STORAGE_KEY) ?? null;
  } catch {
    // Storage can throw when disabled by the browser; the cart then lives in memory.
  }
  return parseStoredCart(raw) ?? { cartId: newCartId(), items: [] };
}

export function saveCart(state: CartState, storage: Storage | null = safeLocalStorage()): void {
  const stored = { version: CART_FORMAT_VERSION, cartId: state.cartId, items: state.items };
  try {
    storage?.setItem(CART_STORAGE_KEY, JSON.stringify(stored));
  } catch {
    // Full or disabled storage: keep going with the in-memory cart.
  }
}

function safeLocalStorage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}
