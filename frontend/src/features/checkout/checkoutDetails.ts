/**
 * What the shopper fills in at checkout, in the shape the server takes it, and the
 * conversions to and from the shapes Stripe's Elements speak.
 */
import type { StripeAddressElementChangeEvent, StripeAddressElementOptions } from '@stripe/stripe-js';
import type { CartItemInput, DeliveryMethod, QuoteRequest, ShippingInput } from '../../lib/api';

/** Each part is null until the shopper has given it completely. */
export interface CheckoutDetails {
  email: string | null;
  shipping: ShippingInput | null;
  /** Null: the server's default (Standard). */
  deliveryMethod: DeliveryMethod | null;
}

export const NO_DETAILS: CheckoutDetails = { email: null, shipping: null, deliveryMethod: null };

type AddressValue = StripeAddressElementChangeEvent['value'];

/** The Address Element's value as the server's ShippingInput (blank optional parts as null). */
export function shippingFromAddress(value: AddressValue): ShippingInput {
  const { address } = value;
  return {
    name: value.name,
    phone: value.phone || null,
    address: {
      line1: address.line1,
      line2: address.line2 || null,
      city: address.city,
      state: address.state || null,
      postalCode: address.postal_code,
      country: address.country,
    },
  };
}

/** The Address Element's defaultValues for an address given before (after a bank's redirect). */
export function addressDefaults(shipping: ShippingInput | null): StripeAddressElementOptions['defaultValues'] {
  if (!shipping) return undefined;
  const { address } = shipping;
  return {
    name: shipping.name,
    phone: shipping.phone ?? null,
    address: {
      line1: address.line1,
      line2: address.line2 ?? null,
      city: address.city,
      state: address.state ?? null,
      postal_code: address.postalCode,
      country: address.country,
    },
  };
}

/** The body of POST /api/quote: the cart and what is known so far, never a price. */
export function quoteRequestBody(items: CartItemInput[], cartId: string, details: CheckoutDetails): QuoteRequest {
  const body: QuoteRequest = { items, cartId };
  if (details.email) body.email = details.email;
  if (details.shipping) body.shipping = details.shipping;
  if (details.deliveryMethod) body.deliveryMethod = details.deliveryMethod;
  return body;
}
