/** Cart state and every change to it, as a pure reducer. */

export const MAX_QUANTITY = 10;

export interface CartLine {
  id: string;
  quantity: number;
}

export interface CartState {
  /** Sent with checkout so the server reuses one order and PaymentIntent per cart. */
  cartId: string;
  items: CartLine[];
}

/** How many copies of a book can be ordered now, as the shop last said. */
export interface StockCount {
  id: string;
  available: number;
}

export type CartAction =
  /** `limit`: the most copies the line may reach (fewer than MAX_QUANTITY when stock is low). */
  | { type: 'add'; id: string; quantity?: number; limit?: number }
  | { type: 'setQuantity'; id: string; quantity: number }
  | { type: 'remove'; id: string }
  | { type: 'retainOnly'; ids: ReadonlySet<string> }
  /** Lowers each line to the copies available; a line with none left goes. */
  | { type: 'fitToStock'; counts: readonly StockCount[] }
  | { type: 'reset'; cartId: string }
  | { type: 'replace'; state: CartState };

function clampQuantity(quantity: number): number {
  return Math.min(MAX_QUANTITY, Math.max(1, Math.floor(quantity)));
}

export function cartReducer(state: CartState, action: CartAction): CartState {
  switch (action.type) {
    case 'add': {
      const existing = state.items.find((line) => line.id === action.id);
      const quantity = action.quantity ?? 1;
      const limit = Math.min(MAX_QUANTITY, action.limit ?? MAX_QUANTITY);
      // Adding never lowers a line (one over the limit is the shopper's to change, not ours).
      if ((existing?.quantity ?? 0) >= limit) return state;
      if (!existing) {
        const line = { id: action.id, quantity: clampQuantity(Math.min(quantity, limit)) };
        return { ...state, items: [...state.items, line] };
      }
      return cartReducer(state, {
        type: 'setQuantity',
        id: action.id,
        quantity: Math.min(existing.quantity + quantity, limit),
      });
    }
    case 'setQuantity': {
      const quantity = clampQuantity(action.quantity);
      if (!state.items.some((line) => line.id === action.id && line.quantity !== quantity)) {
        return state;
      }
      return {
        ...state,
        items: state.items.map((line) => (line.id === action.id ? { ...line, quantity } : line)),
      };
    }
    case 'remove':
      return { ...state, items: state.items.filter((line) => line.id !== action.id) };
    case 'retainOnly': {
      const items = state.items.filter((line) => action.ids.has(line.id));
      return items.length === state.items.length ? state : { ...state, items };
    }
    case 'fitToStock': {
      const available = new Map(action.counts.map((count) => [count.id, count.available]));
      let changed = false;
      const items: CartLine[] = [];
      for (const line of state.items) {
        const copies = available.get(line.id);
        if (copies === undefined || line.quantity <= copies) {
          items.push(line);
        } else {
          changed = true;
          if (copies >= 1) items.push({ ...line, quantity: clampQuantity(copies) });
        }
      }
      return changed ? { ...state, items } : state;
    }
    case 'reset':
      return { cartId: action.cartId, items: [] };
    case 'replace':
      return action.state;
  }
}

export function totalQuantity(items: readonly CartLine[]): number {
  return items.reduce((sum, line) => sum + line.quantity, 0);
}

/** A fresh random cart id (36 characters, within the API's 16-64 `[A-Za-z0-9_-]`). */
export function newCartId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  // randomUUID exists only in secure contexts; getRandomValues works everywhere.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}
