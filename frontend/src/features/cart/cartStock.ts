/**
 * How many copies of each book this cart can have, from three sources:
 *
 * - the catalogue's `available`: stock less every checkout's hold, from a copy the server
 *   reuses for up to CATALOGUE_CACHE_SECONDS (a hint);
 * - this cart's own hold: once the shopper presses Pay, the server holds the order's copies
 *   for 15 minutes (until the payment arrives or fails), and those copies are this cart's
 *   even though the catalogue counts them as taken;
 * - what checkout said in a 409 `insufficient_stock`: exact, and for this cart.
 *
 * Where a source may be older than another, the fresher one wins; where it cannot be told,
 * the cart is given the benefit of the doubt (checkout checks again, and says so).
 */

import type { CartLine, StockCount } from './cartReducer';

/** How old the server's catalogue copy can be (10 s by default), with a margin. */
export const CATALOGUE_MAX_AGE_MS = 12_000;
/** How long checkout holds a cart's copies (the server's STOCK_HOLD_MINUTES, 15 by default). */
export const HOLD_MS = 15 * 60_000;

/** The catalogue's counts, and when the request for them started (Date.now()). */
export interface StockSnapshot {
  available: ReadonlyMap<string, number>;
  fetchedAt: number;
}

/** What this cart's order holds: the lines it was paid for with, from `at` (Pay). */
export interface CartHold {
  cartId: string;
  items: CartLine[];
  at: number;
}

/** Copies checkout found available for this cart, at `at`. */
export interface ReportedCount {
  available: number;
  at: number;
}

/** Whether the catalogue copy fetched at `fetchedAt` may count `hold` as taken. */
function snapshotCountsHold(fetchedAt: number, hold: CartHold): boolean {
  // Asked before the hold existed: it cannot. Asked after the hold expired and the server's copy
  // was renewed: it does not. In between it may, and then the copies are the cart's.
  return hold.at <= fetchedAt && fetchedAt - CATALOGUE_MAX_AGE_MS <= hold.at + HOLD_MS;
}

/**
 * Copies of book `id` this cart may have, given the catalogue's count `listed` from the copy
 * fetched at `fetchedAt` (both null when there is none); null when nothing is known.
 */
export function availableToCartOf(
  id: string,
  listed: { count: number; fetchedAt: number } | null,
  hold: CartHold | null,
  reports: ReadonlyMap<string, ReportedCount>,
): number | null {
  const report = reports.get(id);
  // Checkout's word holds until a catalogue copy surely newer than it arrives.
  if (report && (!listed || report.at >= listed.fetchedAt - CATALOGUE_MAX_AGE_MS)) return report.available;
  if (!listed) return null;
  const held = hold && snapshotCountsHold(listed.fetchedAt, hold) ? hold.items.find((line) => line.id === id) : undefined;
  return listed.count + (held?.quantity ?? 0);
}

/** Copies of each book this cart may have, by id; books with no word on them are missing. */
export function availableToCart(
  snapshot: StockSnapshot | null,
  hold: CartHold | null,
  reports: ReadonlyMap<string, ReportedCount>,
): Map<string, number> {
  const ids = new Set([...(snapshot?.available.keys() ?? []), ...reports.keys()]);
  const available = new Map<string, number>();
  for (const id of ids) {
    const count = snapshot?.available.get(id);
    const listed = snapshot && count !== undefined ? { count, fetchedAt: snapshot.fetchedAt } : null;
    const copies = availableToCartOf(id, listed, hold, reports);
    if (copies !== null) available.set(id, copies);
  }
  return available;
}

/** `counts` added to `reports`, as said at `at`. */
export function withReports(
  reports: ReadonlyMap<string, ReportedCount>,
  counts: readonly StockCount[],
  at: number,
): Map<string, ReportedCount> {
  const next = new Map(reports);
  for (const count of counts) next.set(count.id, { available: count.available, at });
  return next;
}

const HOLD_KEY = 'bookstore.hold.v1';

function isHold(value: unknown): value is CartHold {
  if (typeof value !== 'object' || value === null) return false;
  const { cartId, items, at } = value as Record<string, unknown>;
  return (
    typeof cartId === 'string' &&
    typeof at === 'number' &&
    Array.isArray(items) &&
    items.every(
      (line: unknown) =>
        typeof line === 'object' &&
        line !== null &&
        typeof (line as Record<string, unknown>).id === 'string' &&
        typeof (line as Record<string, unknown>).quantity === 'number',
    )
  );
}

/** The hold saved in this browser (it outlives a reload, as the server's does). */
export function loadHold(): CartHold | null {
  try {
    const value = JSON.parse(localStorage.getItem(HOLD_KEY) ?? 'null') as unknown;
    return isHold(value) ? value : null;
  } catch {
    return null;
  }
}

export function saveHold(hold: CartHold): void {
  try {
    localStorage.setItem(HOLD_KEY, JSON.stringify(hold));
  } catch {
    // Without storage the hold is known until the page is reloaded.
  }
}
