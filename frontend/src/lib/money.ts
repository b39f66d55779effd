/** People-facing money formatting; amounts arrive as integers in the smallest unit. */

// One fixed locale so prices read the same for every shopper and in every test.
const LOCALE = 'en-US';
const formatters = new Map<string, Intl.NumberFormat>();

function formatterFor(currency: string): Intl.NumberFormat {
  const key = currency.toUpperCase();
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.NumberFormat(LOCALE, { style: 'currency', currency: key });
    formatters.set(key, formatter);
  }
  return formatter;
}

/** Formats an amount in the smallest currency unit, e.g. (3000, "usd") → "$30.00". */
export function formatMoney(amount: number, currency: string): string {
  const formatter = formatterFor(currency);
  // Zero-decimal currencies (JPY) have no minor unit; USD has two.
  const digits = formatter.resolvedOptions().maximumFractionDigits ?? 2;
  return formatter.format(amount / 10 ** digits);
}
