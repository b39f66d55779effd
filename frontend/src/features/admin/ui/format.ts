/** How the dashboard writes times, and reads what the owner types. */
import { isApiError } from '../../../lib/api';

// UTC throughout, as the server stores times and as the orders list's day filters read.
const DATE_TIME = new Intl.DateTimeFormat('en-US', {
  dateStyle: 'medium',
  timeStyle: 'short',
  timeZone: 'UTC',
  hourCycle: 'h23',
});
const DATE = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeZone: 'UTC' });

/** "Dec 15, 2026, 09:30 UTC" for the server's "2026-12-15T09:30:00Z". */
export function formatDateTime(iso: string): string {
  const moment = new Date(iso);
  return Number.isNaN(moment.getTime()) ? iso : `${DATE_TIME.format(moment)} UTC`;
}

/** "Dec 15, 2026" (the day in UTC). */
export function formatDate(iso: string): string {
  const moment = new Date(iso);
  return Number.isNaN(moment.getTime()) ? iso : DATE.format(moment);
}

/** Minor units per major unit of `currency`: 100 for USD, 1 for JPY (as lib/money formats them). */
function minorUnits(currency: string): number {
  const digits =
    new Intl.NumberFormat('en-US', { style: 'currency', currency: currency.toUpperCase() }).resolvedOptions()
      .maximumFractionDigits ?? 2;
  return 10 ** digits;
}

/**
 * What the owner typed ("12.50", "$12.5", "1,200") in the smallest unit of `currency`, or
 * null when it is not an amount of that currency. Reading input, not pricing: the server
 * decides what may be refunded.
 */
export function parseAmount(text: string, currency: string): number | null {
  const cleaned = text.trim().replace(/^\$/, '').replace(/,/g, '');
  const units = minorUnits(currency);
  const decimals = Math.log10(units);
  const pattern = decimals > 0 ? new RegExp(`^\\d+(\\.\\d{1,${decimals}})?$`) : /^\d+$/;
  if (!pattern.test(cleaned)) return null;
  const [whole = '0', fraction = ''] = cleaned.split('.');
  return Number(whole) * units + Number(fraction.padEnd(decimals, '0') || '0');
}

/** A whole number of copies from 0 up, or null. */
export function parseCount(text: string): number | null {
  const cleaned = text.trim();
  return /^\d{1,7}$/.test(cleaned) ? Number(cleaned) : null;
}

/** The server's refusals of single fields (400 `validation_error`), by field name. */
export function fieldErrors(error: unknown): Record<string, string> {
  if (!isApiError(error) || !Array.isArray(error.details)) return {};
  const found: Record<string, string> = {};
  for (const item of error.details as unknown[]) {
    if (typeof item !== 'object' || item === null) continue;
    const { field, message } = item as { field?: unknown; message?: unknown };
    if (typeof field === 'string' && typeof message === 'string') found[field] = message;
  }
  return found;
}

/** "Try again in 5 minutes" for a Retry-After of 300 seconds. */
export function waitWords(seconds: number): string {
  const count = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  return seconds < 60 ? count(Math.max(1, Math.ceil(seconds)), 'second') : count(Math.ceil(seconds / 60), 'minute');
}
