import { AddressElement, Elements, useStripe } from '@stripe/react-stripe-js';
import type {
  StripeAddressElementChangeEvent,
  StripeAddressElementOptions,
  StripeElementsOptions,
} from '@stripe/stripe-js';
import { useState } from 'react';
import { useConfig } from '../../config/ConfigContext';
import type { ShippingInput } from '../../lib/api';
import { appearance } from './appearance';
import { addressDefaults, shippingFromAddress } from './checkoutDetails';
import { sectionErrorsId } from './fieldErrors';
import { SectionErrors } from './SectionErrors';

// The address group has no amount or mode: it only collects the address, which goes to the
// server with the cart, never into the ConfirmationToken.
const ADDRESS_GROUP_OPTIONS: StripeElementsOptions = { appearance };

interface ShippingSectionProps {
  /** The address known when the Element is created (given before a bank's redirect), to start with. */
  initialShipping: ShippingInput | null;
  /** The address once it is complete, null while it is not. */
  onShipping: (shipping: ShippingInput | null) => void;
  errors: string[] | undefined;
  /** While paying: nothing can be changed. */
  readOnly?: boolean;
}

/**
 * Shipping address: the Address Element in shipping mode, in an <Elements> group of its own.
 * In the Payment Element's group, the ConfirmationToken would carry the address as shipping
 * too; here the server receives it with the cart and sets the PaymentIntent's shipping itself.
 */
export function ShippingSection({ initialShipping, onShipping, errors, readOnly = false }: ShippingSectionProps) {
  const stripe = useStripe();
  const config = useConfig();
  const [options] = useState<StripeAddressElementOptions>(() => ({
    mode: 'shipping',
    allowedCountries: config.shippingCountries.map((country) => country.code),
    fields: { phone: 'always' },
    validation: { phone: { required: 'never' } },
    defaultValues: addressDefaults(initialShipping),
  }));
  const onChange = (event: StripeAddressElementChangeEvent) =>
    onShipping(event.complete ? shippingFromAddress(event.value) : null);

  return (
    <section className="checkout-section" aria-labelledby="shipping-title" aria-describedby={sectionErrorsId('shipping')}>
      <h2 id="shipping-title" className="section-title">
        Shipping address
      </h2>
      {/* Stripe's Address Element has no read-only option; inert keeps it (frame and all) still. */}
      <div inert={readOnly}>
        <Elements stripe={stripe} options={ADDRESS_GROUP_OPTIONS}>
          <AddressElement options={options} onChange={onChange} />
        </Elements>
      </div>
      <SectionErrors id={sectionErrorsId('shipping')} messages={errors} />
    </section>
  );
}
