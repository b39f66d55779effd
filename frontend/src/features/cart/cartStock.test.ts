import { describe, expect, it } from 'vitest';
import {
  CATALOGUE_MAX_AGE_MS,
  HOLD_MS,
  availableToCart,
  loadHold,
  saveHold,
  withReports,
  type CartHold,
  type StockSnapshot,
} from './cartStock';

const T = 1_000_000_000;
const snapshot = (fetchedAt: number, counts: Record<string, number>): StockSnapshot => ({
  available: new Map(Object.entries(counts)),
  fetchedAt,
});
const hold: CartHold = { cartId: 'cart_0123456789abcdef', items: [{ id: 'almanack', quantity: 2 }], at: T };
const noReports = new Map();

describe('copies available to the cart', () => {
  it("is the catalogue's count for books the cart does not hold", () => {
    expect(availableToCart(snapshot(T, { almanack: 3, big: 0 }), null, noReports)).toEqual(
      new Map([
        ['almanack', 3],
        ['big', 0],
      ]),
    );
    expect(availableToCart(null, null, noReports).size).toBe(0);
  });

  it("gives back the cart's own held copies, which the catalogue counts as taken, only while its copy may count them", () => {
    // Asked for before checkout held them: the count does not include the hold.
    expect(availableToCart(snapshot(T - 1, { almanack: 3 }), hold, noReports).get('almanack')).toBe(3);
    // Asked for after: 1 left for others, and the 2 held are this cart's.
    expect(availableToCart(snapshot(T + 20_000, { almanack: 1 }), hold, noReports).get('almanack')).toBe(3);
    // Long after the hold expired (and the server's copy with it): the count stands.
    const later = T + HOLD_MS + CATALOGUE_MAX_AGE_MS + 1;
    expect(availableToCart(snapshot(later, { almanack: 1 }), hold, noReports).get('almanack')).toBe(1);
  });

  it("takes checkout's word over any catalogue copy that may be older, and the catalogue's once it is surely newer", () => {
    const reports = withReports(new Map(), [{ id: 'almanack', available: 1 }], T);

    expect(availableToCart(snapshot(T - 5_000, { almanack: 3 }), null, reports).get('almanack')).toBe(1);
    expect(availableToCart(snapshot(T + CATALOGUE_MAX_AGE_MS, { almanack: 3 }), null, reports).get('almanack')).toBe(1);
    expect(availableToCart(snapshot(T + CATALOGUE_MAX_AGE_MS + 1, { almanack: 3 }), null, reports).get('almanack')).toBe(3);
    expect(availableToCart(null, null, reports).get('almanack')).toBe(1);
  });

  it('keeps the hold across reloads, and ignores a stored value of the wrong shape', () => {
    saveHold(hold);
    expect(loadHold()).toEqual(hold);

    localStorage.setItem('bookstore.hold.v1', JSON.stringify({ cartId: 'x', items: [{ id: 1 }], at: T }));
    expect(loadHold()).toBeNull();
    localStorage.setItem('bookstore.hold.v1', '{oops');
    expect(loadHold()).toBeNull();
  });
});
