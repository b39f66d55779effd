/**
 * Card field rules for the demo payment form, with Stripe's wording for each problem.
 * Pure functions so they are easy to test; the server checks the card again.
 */

export const CARD_NUMBER_DIGITS = 16;

export const MESSAGES = {
  numberIncomplete: 'Your card number is incomplete.',
  numberInvalid: 'Your card number is invalid.',
  expiryIncomplete: "Your card's expiration date is incomplete.",
  expiryInvalid: "Your card's expiration date is invalid.",
  expiryPast: "Your card's expiration date is in the past.",
  expiryYearInvalid: "Your card's expiration year is invalid.",
  cvcIncomplete: "Your card's security code is incomplete.",
} as const;

export type FieldErrorCode =
  | 'incomplete_number'
  | 'invalid_number'
  | 'incomplete_expiry'
  | 'invalid_expiry_month'
  | 'invalid_expiry_year_past'
  | 'invalid_expiry_year'
  | 'incomplete_cvc';

export interface FieldError {
  code: FieldErrorCode;
  message: string;
}

export function digitsOf(value: string): string {
  return value.replace(/\D/g, '');
}

/** The Luhn checksum that every real card number satisfies. */
export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/** "4242424242424242" → "4242 4242 4242 4242" (at most 16 digits). */
export function formatCardNumber(value: string): string {
  const digits = digitsOf(value).slice(0, CARD_NUMBER_DIGITS);
  return digits.replace(/(\d{4})(?=\d)/g, '$1 ');
}

/**
 * Formats typed expiry input as "MM / YY". A leading 2-9 means a single-digit month,
 * so it becomes "0d". While deleting, the trailing separator is not re-added.
 */
export function formatExpiry(value: string, deleting = false): string {
  let digits = digitsOf(value).slice(0, 4);
  if (/^[2-9]/.test(digits)) digits = `0${digits}`.slice(0, 4);
  if (digits.length < 2) return digits;
  if (digits.length === 2) return deleting ? digits : `${digits} / `;
  return `${digits.slice(0, 2)} / ${digits.slice(2)}`;
}

/** "12 / 34" → month 12, year 2034; null until four digits are typed. */
export function parseExpiry(value: string): { month: number; year: number } | null {
  const digits = digitsOf(value);
  if (digits.length !== 4) return null;
  return { month: Number(digits.slice(0, 2)), year: 2000 + Number(digits.slice(2)) };
}

/**
 * `final` is true when the shopper has left the field or submits: only then is an
 * unfinished value an error. Otherwise only values that are already wrong are reported.
 */
export function cardNumberError(value: string, final: boolean): FieldError | null {
  const digits = digitsOf(value);
  if (digits.length < CARD_NUMBER_DIGITS) {
    return final ? { code: 'incomplete_number', message: MESSAGES.numberIncomplete } : null;
  }
  return luhnValid(digits) ? null : { code: 'invalid_number', message: MESSAGES.numberInvalid };
}

export function expiryError(value: string, final: boolean, now: Date = new Date()): FieldError | null {
  const digits = digitsOf(value);
  if (digits.length >= 2) {
    const month = Number(digits.slice(0, 2));
    if (month < 1 || month > 12) return { code: 'invalid_expiry_month', message: MESSAGES.expiryInvalid };
  }
  const parsed = parseExpiry(value);
  if (!parsed) return final ? { code: 'incomplete_expiry', message: MESSAGES.expiryIncomplete } : null;
  const thisYear = now.getFullYear();
  const thisMonth = now.getMonth() + 1;
  if (parsed.year < thisYear || (parsed.year === thisYear && parsed.month < thisMonth)) {
    return { code: 'invalid_expiry_year_past', message: MESSAGES.expiryPast };
  }
  if (parsed.year > thisYear + 50) {
    return { code: 'invalid_expiry_year', message: MESSAGES.expiryYearInvalid };
  }
  return null;
}

export function cvcError(value: string, final: boolean): FieldError | null {
  const digits = digitsOf(value);
  if (digits.length < 3) {
    return final ? { code: 'incomplete_cvc', message: MESSAGES.cvcIncomplete } : null;
  }
  return null;
}
