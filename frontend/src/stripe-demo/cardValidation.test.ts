import { describe, expect, it } from 'vitest';
import {
  MESSAGES,
  cardNumberError,
  cvcError,
  expiryError,
  formatCardNumber,
  formatExpiry,
  luhnValid,
  parseExpiry,
} from './cardValidation';

const NOW = new Date(2026, 10, 27); // 27 November 2026

describe('card number', () => {
  it.each([
    ['4242424242424242', true],
    ['4000000000000002', true],
    ['4000000000009995', true],
    ['4000002500003155', true],
    ['4242424242424241', false],
    ['1234567812345678', false],
  ])('Luhn check of %s is %s', (number, valid) => {
    expect(luhnValid(number)).toBe(valid);
  });

  it('formats in groups of four and stops at 16 digits', () => {
    expect(formatCardNumber('42424242')).toBe('4242 4242');
    expect(formatCardNumber('4242-4242 4242x42424242999')).toBe('4242 4242 4242 4242');
    expect(formatCardNumber('424')).toBe('424');
  });

  it('reports an unfinished number only once the shopper is done with the field', () => {
    expect(cardNumberError('4242 42', false)).toBeNull();
    expect(cardNumberError('4242 42', true)?.message).toBe(MESSAGES.numberIncomplete);
    expect(cardNumberError('', true)?.message).toBe('Your card number is incomplete.');
  });

  it('reports a number failing the Luhn check as invalid straight away', () => {
    expect(cardNumberError('4242 4242 4242 4241', false)?.message).toBe('Your card number is invalid.');
    expect(cardNumberError('4242 4242 4242 4242', true)).toBeNull();
  });
});

describe('expiry date', () => {
  it('formats as MM / YY and pads a single-digit month', () => {
    expect(formatExpiry('1')).toBe('1');
    expect(formatExpiry('12')).toBe('12 / ');
    expect(formatExpiry('1230')).toBe('12 / 30');
    expect(formatExpiry('4')).toBe('04 / ');
    expect(formatExpiry('12 /', true)).toBe('12');
  });

  it('parses the month and a four-digit year', () => {
    expect(parseExpiry('04 / 29')).toEqual({ month: 4, year: 2029 });
    expect(parseExpiry('04 / 2')).toBeNull();
  });

  it('rejects dates in the past, accepts this month and later', () => {
    expect(expiryError('10 / 26', false, NOW)?.message).toBe("Your card's expiration date is in the past.");
    expect(expiryError('01 / 20', true, NOW)?.message).toBe(MESSAGES.expiryPast);
    expect(expiryError('11 / 26', true, NOW)).toBeNull();
    expect(expiryError('01 / 30', true, NOW)).toBeNull();
  });

  it('rejects a month that does not exist and an unfinished date', () => {
    expect(expiryError('13 / 30', false, NOW)?.message).toBe(MESSAGES.expiryInvalid);
    expect(expiryError('00', false, NOW)?.message).toBe(MESSAGES.expiryInvalid);
    expect(expiryError('12 / 3', false, NOW)).toBeNull();
    expect(expiryError('12 / 3', true, NOW)?.message).toBe(MESSAGES.expiryIncomplete);
  });
});

describe('security code', () => {
  it('needs three or four digits', () => {
    expect(cvcError('12', false)).toBeNull();
    expect(cvcError('12', true)?.message).toBe("Your card's security code is incomplete.");
    expect(cvcError('123', true)).toBeNull();
    expect(cvcError('1234', true)).toBeNull();
  });
});
