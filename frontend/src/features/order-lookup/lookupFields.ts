/** The "Find your order" form's two fields: what they hold, and what the browser checks first. */
import type { OrderLookupBody } from './api';

export interface LookupFields {
  number: string;
  email: string;
}

export type LookupField = keyof LookupFields;
export type LookupErrors = Partial<Record<LookupField, string>>;

/** In the order the form shows them: focus goes to the first that is wrong. */
export const FIELD_ORDER: LookupField[] = ['number', 'email'];

// The server's order numbers: "SP-" and six letters or digits (backend/bookstore/orders/models.py).
const NUMBER_PREFIX = 'SP';
const NUMBER_LENGTH = 6;
const NUMBER_BODY = new RegExp(`^[A-Z0-9]{${NUMBER_LENGTH}}$`);
// Something, an @, something with a dot: the server decides the rest.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export const MESSAGES = {
  numberMissing: 'Enter your order number.',
  numberFormat: 'Enter the order number as it is in your confirmation, like SP-7K3M9Q.',
  emailMissing: 'Enter the email address you ordered with.',
  emailFormat: 'Enter an email address like name@example.com.',
} as const;

/**
 * The six characters of an order number as people type it ("sp-7k3m 9q", "7K3M9Q"), as the
 * server forgives it: any case, spaces, dashes, with or without the "SP" prefix.
 */
export function orderNumberBody(text: string): string {
  const compact = text.replace(/[\s-]/g, '').toUpperCase();
  return compact.startsWith(NUMBER_PREFIX) && compact.length > NUMBER_LENGTH
    ? compact.slice(NUMBER_PREFIX.length)
    : compact;
}

/** The message for each field that cannot be right, or none. */
export function validateLookup(fields: LookupFields): LookupErrors {
  const errors: LookupErrors = {};
  const number = fields.number.trim();
  if (!number) errors.number = MESSAGES.numberMissing;
  else if (!NUMBER_BODY.test(orderNumberBody(number))) errors.number = MESSAGES.numberFormat;
  const email = fields.email.trim();
  if (!email) errors.email = MESSAGES.emailMissing;
  else if (!EMAIL.test(email)) errors.email = MESSAGES.emailFormat;
  return errors;
}

/** What is sent: trimmed, otherwise as typed (the server forgives case, spaces and the prefix). */
export function lookupBody(fields: LookupFields): OrderLookupBody {
  return { number: fields.number.trim(), email: fields.email.trim() };
}
