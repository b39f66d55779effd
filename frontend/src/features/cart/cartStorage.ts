import { MAX_QUANTITY, newCartId, type CartLine, type CartState } from './cartReducer';

export const CART_STORAGE_KEY = 'bookstore.cart.v1';
const CART_ID_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;

function isLine(value: unknown): value is CartLine {
  if (typeof value !== 'object' || value === null) return false;
  const { id, quantity } = value as Record<string, unknown>;
  return (
    typeof id === 'string' &&
    id.length > 0 &&
    typeof quantity === 'number' &&
    Number.isInteger(quantity) &&
    quantity >= 1 &&
    quantity <= MAX_QUANTITY
  );
}

/** Reads a stored cart, or null when it is missing or not in the expected shape. */
export function parseStoredCart(raw: string | null): CartState | null {
  if (!raw) return null;
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return null;
  }
  if (typeof data !== 'object' || data === null) return null;
  const { cartId, items } = data as Record<string, unknown>;
  if (typeof cartId !== 'string' || !CART_ID_PATTERN.test(cartId) || !Array.isArray(items)) {
    return null;
  }
  const lines = items.filter(isLine).map(({ id, quantity }) => ({ id, quantity }));
  // Merge duplicate ids, which a hand-edited store could hold.
  const merged = new Map<string, number>();
  for (const line of lines) {
    merged.set(line.id, Math.min(MAX_QUANTITY, (merged.get(line.id) ?? 0) + line.quantity));
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
  try {
    storage?.setItem(CART_STORAGE_KEY, JSON.stringify({ cartId: state.cartId, items: state.items }));
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
