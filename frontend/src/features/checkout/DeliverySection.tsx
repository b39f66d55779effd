import type { DeliveryMethod, QuoteResponse } from '../../lib/api';
import { deliveryPrice, deliveryWindow } from '../../lib/delivery';
import { sectionErrorsId } from './fieldErrors';
import { SectionErrors } from './SectionErrors';

interface DeliverySectionProps {
  quote: QuoteResponse;
  /** The shopper's choice; null until they choose (the server's default applies). */
  chosen: DeliveryMethod | null;
  onChoose: (method: DeliveryMethod) => void;
  errors: string[] | undefined;
  /** While paying: nothing can be changed. */
  readOnly?: boolean;
}

/** Delivery method: the options the server priced for the address, as one radio group. */
export function DeliverySection({ quote, chosen, onChoose, errors, readOnly = false }: DeliverySectionProps) {
  const options = quote.deliveryOptions;
  const selected = chosen ?? quote.deliveryMethod;

  return (
    <section className="checkout-section" aria-labelledby="delivery-title">
      <h2 id="delivery-title" className="section-title">
        Delivery method
      </h2>
      {options.length === 0 ? (
        <p className="fine-print">Enter your shipping address to see the delivery options and their prices.</p>
      ) : (
        <fieldset className="delivery" aria-describedby={sectionErrorsId('delivery')} disabled={readOnly}>
          <legend className="visually-hidden">Delivery method</legend>
          {options.map((option) => (
            <label key={option.method} className="delivery__option">
              <input
                type="radio"
                name="delivery-method"
                value={option.method}
                checked={selected === option.method}
                onChange={() => onChoose(option.method)}
              />
              {/* The spaces keep the radio's name readable: "Express 1–2 business days $14.99". */}
              <span className="delivery__label">{option.label}</span>{' '}
              <span className="delivery__window">{deliveryWindow(option)}</span>{' '}
              <span className="delivery__price">{deliveryPrice(option.amount, quote.currency)}</span>
            </label>
          ))}
        </fieldset>
      )}
      <SectionErrors id={sectionErrorsId('delivery')} messages={errors} />
    </section>
  );
}
