/** How delivery reads to people: its window and its price, as the server gives them. */
import { formatMoney } from './money';

/** "3–5 business days" (or "1 business day"). */
export function deliveryWindow({ minDays, maxDays }: { minDays: number; maxDays: number }): string {
  if (minDays === maxDays) return `${minDays} business ${minDays === 1 ? 'day' : 'days'}`;
  return `${minDays}–${maxDays} business days`;
}

/** "Free" or the price. */
export function deliveryPrice(amount: number, currency: string): string {
  return amount === 0 ? 'Free' : formatMoney(amount, currency);
}
