import { describe, expect, it } from 'vitest';
import { MAX_QUANTITY, cartReducer, newCartId, totalQuantity, type CartState } from './cartReducer';
import { CART_FORMAT_VERSION, CART_STORAGE_KEY, loadCart, parseStoredCart, saveCart } from './cartStorage';

const empty: CartState = { cartId: 'cart_0123456789abcdef', items: [] };

describe('cartReducer', () => {
  it('adds a book, then adds to its quantity', () => {
    let state = cartReducer(empty, { type: 'add', id: 'a' });
    state = cartReducer(state, { type: 'add', id: 'b' });
    state = cartReducer(state, { type: 'add', id: 'a' });

    expect(state.items).toEqual([
      { id: 'a', quantity: 2 },
      { id: 'b', quantity: 1 },
    ]);
    expect(totalQuantity(state.items)).toBe(3);
    expect(state.cartId).toBe(empty.cartId);
  });

  it('stops incrementing at the maximum quantity', () => {
    let state = empty;
    for (let i = 0; i < MAX_QUANTITY + 3; i += 1) state = cartReducer(state, { type: 'add', id: 'a' });

    expect(state.items).toEqual([{ id: 'a', quantity: MAX_QUANTITY }]);
  });

  it('keeps quantities between 1 and the maximum when set', () => {
    const one = cartReducer(empty, { type: 'add', id: 'a' });

    expect(cartReducer(one, { type: 'setQuantity', id: 'a', quantity: 0 }).items[0]?.quantity).toBe(1);
    expect(cartReducer(one, { type: 'setQuantity', id: 'a', quantity: 99 }).items[0]?.quantity).toBe(MAX_QUANTITY);
    expect(cartReducer(one, { type: 'setQuantity', id: 'a', quantity: 4 }).items[0]?.quantity).toBe(4);
  });

  it('adds up to a limit below the maximum (the copies available), and never lowers a line by adding', () => {
    let state = empty;
    for (let i = 0; i < 5; i += 1) state = cartReducer(state, { type: 'add', id: 'a', limit: 3 });
    expect(state.items).toEqual([{ id: 'a', quantity: 3 }]);

    // Sold out: nothing is added.
    expect(cartReducer(empty, { type: 'add', id: 'a', limit: 0 })).toBe(empty);

    // A line already over a new, lower limit stays as it is: lowering it is the shopper's call.
    const over = cartReducer(state, { type: 'add', id: 'a', limit: 2 });
    expect(over).toBe(state);
  });

  it('fits lines to the copies available: lowered, or removed when sold out, others untouched', () => {
    let state = cartReducer(empty, { type: 'add', id: 'low', quantity: 5 });
    state = cartReducer(state, { type: 'add', id: 'gone', quantity: 2 });
    state = cartReducer(state, { type: 'add', id: 'plenty', quantity: 2 });

    const fitted = cartReducer(state, {
      type: 'fitToStock',
      counts: [
        { id: 'low', available: 2 },
        { id: 'gone', available: 0 },
        { id: 'plenty', available: 40 },
      ],
    });

    expect(fitted.items).toEqual([
      { id: 'low', quantity: 2 },
      { id: 'plenty', quantity: 2 },
    ]);
    expect(fitted.cartId).toBe(state.cartId);
    // Nothing over: the same object.
    expect(cartReducer(fitted, { type: 'fitToStock', counts: [{ id: 'low', available: 2 }] })).toBe(fitted);
  });

  it('removes a line', () => {
    let state = cartReducer(empty, { type: 'add', id: 'a' });
    state = cartReducer(state, { type: 'add', id: 'b' });

    expect(cartReducer(state, { type: 'remove', id: 'a' }).items).toEqual([{ id: 'b', quantity: 1 }]);
  });

  it('drops lines whose ids are not sold any more', () => {
    let state = cartReducer(empty, { type: 'add', id: 'kept' });
    state = cartReducer(state, { type: 'add', id: 'gone' });

    const next = cartReducer(state, { type: 'retainOnly', ids: new Set(['kept', 'other']) });

    expect(next.items).toEqual([{ id: 'kept', quantity: 1 }]);
    // Nothing to drop: the same object, so React skips a re-render.
    expect(cartReducer(next, { type: 'retainOnly', ids: new Set(['kept']) })).toBe(next);
  });

  it('resets to an empty cart with a new id', () => {
    const full = cartReducer(empty, { type: 'add', id: 'a' });

    expect(cartReducer(full, { type: 'reset', cartId: 'cart_new_0123456789' })).toEqual({
      cartId: 'cart_new_0123456789',
      items: [],
    });
  });

  it('makes cart ids the API accepts, different every time', () => {
    const first = newCartId();
    expect(first).toMatch(/^[A-Za-z0-9_-]{16,64}$/);
    expect(newCartId()).not.toBe(first);
  });
});

describe('cart storage', () => {
  it('saves the cart with its format version, under the key every build of the shop reads', () => {
    const state: CartState = { cartId: 'cart_0123456789abcdef', items: [{ id: 'a', quantity: 3 }] };

    saveCart(state);

    expect(CART_STORAGE_KEY).toBe('bookstore.cart.v1');
    expect(JSON.parse(localStorage.getItem(CART_STORAGE_KEY) ?? 'null')).toEqual({ version: CART_FORMAT_VERSION, ...state });
    expect(CART_FORMAT_VERSION).toBe(2);
    expect(loadCart()).toEqual(state);
  });

  it('reads a cart saved before the format had a version', () => {
    const state: CartState = { cartId: 'cart_0123456789abcdef', items: [{ id: 'a', quantity: 3 }] };
    expect(parseStoredCart(JSON.stringify(state))).toEqual(state);
  });

  it('reads what it knows of a cart saved by a newer build, and refuses a version that is not a number', () => {
    const newer = { version: 3, cartId: 'cart_0123456789abcdef', items: [{ id: 'a', quantity: 3, giftWrap: true }], note: 'hi' };
    expect(parseStoredCart(JSON.stringify(newer))).toEqual({ cartId: 'cart_0123456789abcdef', items: [{ id: 'a', quantity: 3 }] });
    expect(parseStoredCart(JSON.stringify({ ...newer, version: 'two' }))).toBeNull();
  });

  it('starts a fresh cart when nothing or garbage is stored', () => {
    const fresh = loadCart();
    expect(fresh.items).toEqual([]);
    expect(fresh.cartId).toMatch(/^[A-Za-z0-9_-]{16,64}$/);

    localStorage.setItem(CART_STORAGE_KEY, '{not json');
    expect(loadCart().items).toEqual([]);
    expect(parseStoredCart(JSON.stringify({ cartId: 'short', items: [] }))).toBeNull();
  });

  it('lowers a stored line above the quantity limit to the limit instead of dropping it', () => {
    const parsed = parseStoredCart(
      JSON.stringify({ version: 2, cartId: 'cart_0123456789abcdef', items: [{ id: 'a', quantity: MAX_QUANTITY + 5 }] }),
    );
    expect(parsed?.items).toEqual([{ id: 'a', quantity: MAX_QUANTITY }]);
  });

  it('keeps only valid lines from a stored cart and merges repeated ids', () => {
    const parsed = parseStoredCart(
      JSON.stringify({
        cartId: 'cart_0123456789abcdef',
        items: [
          { id: 'a', quantity: 2 },
          { id: 'a', quantity: 9 },
          { id: 'b', quantity: 0 },
          { id: 'c', quantity: 1.5 },
          { id: 'd', quantity: '2' },
          { quantity: 1 },
          { id: 'e', quantity: 12 },
        ],
      }),
    );

    expect(parsed?.items).toEqual([
      { id: 'a', quantity: MAX_QUANTITY },
      { id: 'e', quantity: MAX_QUANTITY },
    ]);
  });
});
