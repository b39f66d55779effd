import { describe, expect, it } from 'vitest';
import { formatIban, IBAN_MESSAGES, ibanChecksumValid, ibanError, normalizeIban, TEST_IBANS } from './ibanValidation';

describe('IBAN rules', () => {
  it("accepts Stripe's test IBANs", () => {
    for (const { iban } of TEST_IBANS) {
      expect(ibanChecksumValid(iban), iban).toBe(true);
      expect(ibanError(iban, true), iban).toBeNull();
    }
  });

  it('catches a mistyped digit with the checksum', () => {
    expect(ibanChecksumValid('DE89370400440532013001')).toBe(false);
    expect(ibanError('DE89370400440532013001', false)).toBe(IBAN_MESSAGES.invalid);
  });

  it('calls a short IBAN incomplete only once the shopper is done with it', () => {
    expect(ibanError('DE8937', false)).toBeNull();
    expect(ibanError('DE8937', true)).toBe(IBAN_MESSAGES.incomplete);
  });

  it('refuses what cannot be an IBAN at once', () => {
    expect(ibanError('12', false)).toBe(IBAN_MESSAGES.invalid);
    expect(ibanError('DEXX', false)).toBe(IBAN_MESSAGES.invalid);
    expect(ibanError('DE893704004405320130001', false)).toBe(IBAN_MESSAGES.invalid);
  });

  it('formats in groups of four, upper case, whatever was typed', () => {
    expect(normalizeIban(' de89 3704-0044 ')).toBe('DE8937040044');
    expect(formatIban('de89370400440532013000')).toBe('DE89 3704 0044 0532 0130 00');
  });
});
