/**
 * IBAN rules for the demo SEPA Direct Debit form, with Stripe's wording. Pure functions; the
 * server decides what each test IBAN does.
 */

export const IBAN_MESSAGES = {
  incomplete: 'Your IBAN is incomplete.',
  invalid: 'Your IBAN is invalid.',
} as const;

/** Stripe's test IBANs and what they do (the server plays them). */
export const TEST_IBANS = [
  { iban: 'DE89370400440532013000', outcome: 'succeeds a few seconds after paying' },
  { iban: 'DE62370400440532013001', outcome: 'fails a few seconds after paying' },
] as const;

// IBAN lengths of some SEPA countries; others must be 15-34 characters.
const LENGTHS: Record<string, number> = {
  AT: 20, BE: 16, DE: 22, ES: 24, FI: 18, FR: 27, IE: 22, IT: 27, LU: 20, NL: 18, PT: 25,
};

/** Letters and digits only, upper case. */
export function normalizeIban(value: string): string {
  return value.replace(/[^0-9a-z]/gi, '').toUpperCase().slice(0, 34);
}

/** "DE89370400440532013000" → "DE89 3704 0044 0532 0130 00". */
export function formatIban(value: string): string {
  return normalizeIban(value).replace(/(.{4})(?=.)/g, '$1 ');
}

/** ISO 13616's check: the number, rearranged and read as digits, leaves 1 modulo 97. */
export function ibanChecksumValid(iban: string): boolean {
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const char of rearranged) {
    const digits = /\d/.test(char) ? char : String(char.charCodeAt(0) - 55);
    for (const digit of digits) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder === 1;
}

/** `final`: the shopper left the field or pays, so an unfinished IBAN is an error too. */
export function ibanError(value: string, final: boolean): string | null {
  const iban = normalizeIban(value);
  if (iban.length >= 2 && !/^[A-Z]{2}/.test(iban)) return IBAN_MESSAGES.invalid;
  if (iban.length >= 4 && !/^[A-Z]{2}\d{2}/.test(iban)) return IBAN_MESSAGES.invalid;
  const expected = LENGTHS[iban.slice(0, 2)];
  const long = expected ?? 34;
  if (iban.length > long) return IBAN_MESSAGES.invalid;
  const complete = expected ? iban.length === expected : iban.length >= 15;
  if (!complete) return final ? IBAN_MESSAGES.incomplete : null;
  // Without a known length, a checksum miss may just mean more is coming.
  if (!ibanChecksumValid(iban)) return final || expected ? IBAN_MESSAGES.invalid : null;
  return null;
}
