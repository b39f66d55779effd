/** The server's 409 `insufficient_stock`: the titles the cart asks too many copies of. */
import { isApiError } from '../../lib/api';
import type { components } from '../../lib/api-types';

export type StockShortage = components['schemas']['StockShortage'];

/** The id of the explanation beside the order summary (it takes focus when Pay is refused). */
export const STOCK_PROBLEM_ID = 'stock-problem';

function isShortage(item: unknown): item is StockShortage {
  if (typeof item !== 'object' || item === null) return false;
  const { id, title, requested, available } = item as Record<string, unknown>;
  return (
    typeof id === 'string' &&
    typeof title === 'string' &&
    typeof requested === 'number' &&
    typeof available === 'number' &&
    available >= 0
  );
}

/** Each title short, from a 409 `insufficient_stock`; null for any other error. */
export function stockShortagesFrom(error: unknown): StockShortage[] | null {
  if (!isApiError(error) || error.code !== 'insufficient_stock') return null;
  const details = error.details as { items?: unknown } | null;
  const items = Array.isArray(details?.items) ? (details.items as unknown[]).filter(isShortage) : [];
  return items.length > 0 ? items : null;
}
