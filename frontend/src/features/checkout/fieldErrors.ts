/**
 * The server's 400s that name fields (invalid_address, invalid_email, invalid_delivery_method,
 * and Pay's missing_details), turned into messages for the checkout section each field belongs to.
 */
import { isApiError, type FieldError } from '../../lib/api';

export type Section = 'contact' | 'shipping' | 'delivery';
export type SectionErrors = Partial<Record<Section, string[]>>;

/** The id of the element that shows a section's errors (and takes focus for them). */
export function sectionErrorsId(section: Section): string {
  return `${section}-errors`;
}

const FIELD_CODES = new Set(['invalid_address', 'invalid_email', 'invalid_delivery_method', 'missing_details']);

/** What each field is called on the form. */
const FIELDS: Record<string, { section: Section; label: string }> = {
  email: { section: 'contact', label: 'Email' },
  'shipping.name': { section: 'shipping', label: 'Full name' },
  'shipping.phone': { section: 'shipping', label: 'Phone number' },
  'shipping.address.line1': { section: 'shipping', label: 'Address line 1' },
  'shipping.address.line2': { section: 'shipping', label: 'Address line 2' },
  'shipping.address.city': { section: 'shipping', label: 'City' },
  'shipping.address.state': { section: 'shipping', label: 'State or region' },
  'shipping.address.postalCode': { section: 'shipping', label: 'Postal code' },
  'shipping.address.country': { section: 'shipping', label: 'Country' },
  deliveryMethod: { section: 'delivery', label: 'Delivery method' },
};

function isFieldErrorList(details: unknown): details is FieldError[] {
  return (
    Array.isArray(details) &&
    details.every(
      (item: unknown) =>
        typeof item === 'object' &&
        item !== null &&
        typeof (item as FieldError).field === 'string' &&
        typeof (item as FieldError).message === 'string',
    )
  );
}

function sectionOf(field: string): { section: Section; label: string | null } {
  const known = FIELDS[field];
  if (known) return known;
  if (field.startsWith('shipping')) return { section: 'shipping', label: null };
  if (field.startsWith('delivery')) return { section: 'delivery', label: null };
  return { section: 'contact', label: null };
}

/** The messages by section ("Postal code: Not a postal code of ..."), or null for any other error. */
export function fieldErrorsFrom(error: unknown): SectionErrors | null {
  if (!isApiError(error) || error.status !== 400 || !FIELD_CODES.has(error.code)) return null;
  const errors: SectionErrors = {};
  const details = isFieldErrorList(error.details) ? error.details : [];
  for (const { field, message } of details) {
    const { section, label } = sectionOf(field);
    (errors[section] ??= []).push(label ? `${label}: ${message}` : message);
  }
  if (details.length === 0) {
    // A field error without its fields still belongs somewhere the shopper will see it.
    const section: Section =
      error.code === 'invalid_address' ? 'shipping' : error.code === 'invalid_delivery_method' ? 'delivery' : 'contact';
    errors[section] = [error.message];
  }
  return errors;
}
