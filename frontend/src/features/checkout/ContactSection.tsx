import { LinkAuthenticationElement } from '@stripe/react-stripe-js';
import type { StripeLinkAuthenticationElementChangeEvent, StripeLinkAuthenticationElementOptions } from '@stripe/stripe-js';
import { useState } from 'react';
import { sectionErrorsId } from './fieldErrors';
import { SectionErrors } from './SectionErrors';

interface ContactSectionProps {
  /** The email known when the Element is created (given before a bank's redirect), to start with. */
  initialEmail: string | null;
  /** The email once it is complete, null while it is not. */
  onEmail: (email: string | null) => void;
  errors: string[] | undefined;
  /** While paying: nothing can be changed. */
  readOnly?: boolean;
}

/** Contact: the Link Authentication Element (Stripe's email field, which also offers Link). */
export function ContactSection({ initialEmail, onEmail, errors, readOnly = false }: ContactSectionProps) {
  // Read once: an Element takes its default values when it is created.
  const [options] = useState<StripeLinkAuthenticationElementOptions>(() =>
    initialEmail ? { defaultValues: { email: initialEmail } } : {},
  );
  const onChange = (event: StripeLinkAuthenticationElementChangeEvent) =>
    onEmail(event.complete ? event.value.email.trim() : null);

  return (
    <section className="checkout-section" aria-labelledby="contact-title" aria-describedby={sectionErrorsId('contact')}>
      <h2 id="contact-title" className="section-title">
        Contact
      </h2>
      <p className="fine-print checkout-section__intro">We'll send your receipt to this email address.</p>
      {/* Stripe's email field has no read-only option; inert keeps it (frame and all) still. */}
      <div inert={readOnly}>
        <LinkAuthenticationElement options={options} onChange={onChange} />
      </div>
      <SectionErrors id={sectionErrorsId('contact')} messages={errors} />
    </section>
  );
}
