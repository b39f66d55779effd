import { useRef, useState, type FormEvent } from 'react';
import { errorMessage, isAbortError } from '../../../lib/api';
import type { AdminOrder, Carrier } from '../api';
import { useAdminApi } from '../session/AdminSession';
import { Dialog } from '../ui/Dialog';
import { Field, FormAlert } from '../ui/Field';
import { fieldErrors } from '../ui/format';
import { useFocusLater } from '../ui/useFocusLater';

// A Record, so a carrier the server adds fails type-checking until it is offered here.
const CARRIER_HINTS: Record<Carrier, string> = {
  UPS: 'UPS',
  USPS: 'USPS',
  FedEx: 'FedEx',
  DHL: 'DHL',
  'Royal Mail': 'Royal Mail',
  Other: 'Another carrier (no tracking link)',
};
const CARRIERS = Object.keys(CARRIER_HINTS) as Carrier[];

// As the server checks it: 4 to 40 letters, digits, spaces and dashes, a letter or digit at each end.
const TRACKING_NUMBER = /^[A-Za-z0-9][A-Za-z0-9 -]{2,38}[A-Za-z0-9]$/;

interface ShipDialogProps {
  number: string;
  onClose: () => void;
  onShipped: (order: AdminOrder) => void;
}

/** Mark as shipped: the carrier and tracking number; the customer is emailed the tracking link. */
export function ShipDialog({ number, onClose, onShipped }: ShipDialogProps) {
  const api = useAdminApi();
  const [carrier, setCarrier] = useState<Carrier>('UPS');
  const [tracking, setTracking] = useState('');
  const [errors, setErrors] = useState<{ carrier?: string; trackingNumber?: string }>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [sending, setSending] = useState(false);
  const trackingRef = useRef<HTMLInputElement>(null);
  const focusLater = useFocusLater();

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (sending) return;
    setFailure(null);
    const trackingNumber = tracking.trim();
    if (!TRACKING_NUMBER.test(trackingNumber)) {
      setErrors({
        trackingNumber: trackingNumber
          ? 'Use 4 to 40 letters, digits, spaces and dashes, starting and ending with a letter or digit.'
          : 'Enter the tracking number.',
      });
      focusLater(trackingRef.current);
      return;
    }
    setErrors({});
    setSending(true);
    try {
      onShipped(await api.ship(number, { carrier, trackingNumber }));
    } catch (error) {
      if (isAbortError(error)) return;
      setSending(false);
      setErrors(fieldErrors(error));
      setFailure(error);
    }
  };

  return (
    <Dialog title={`Mark ${number} as shipped`} onClose={onClose} busy={sending}>
      <form className="admin-form" noValidate onSubmit={(event) => void onSubmit(event)}>
        <p>The customer gets a &ldquo;Your books are on their way&rdquo; email with the tracking link.</p>
        {failure !== null && <FormAlert title="We couldn't mark it shipped">{errorMessage(failure)}</FormAlert>}
        <Field label="Carrier" error={errors.carrier}>
          {(control) => (
            <select
              {...control}
              className="admin-input"
              value={carrier}
              onChange={(event) => setCarrier(event.target.value as Carrier)}
            >
              {CARRIERS.map((name) => (
                <option key={name} value={name}>
                  {CARRIER_HINTS[name]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field
          label="Tracking number"
          hint="4 to 40 letters, digits, spaces and dashes."
          error={errors.trackingNumber}
        >
          {(control) => (
            <input
              {...control}
              ref={trackingRef}
              className="admin-input"
              type="text"
              autoComplete="off"
              autoCapitalize="characters"
              spellCheck={false}
              value={tracking}
              onChange={(event) => setTracking(event.target.value)}
            />
          )}
        </Field>
        <div className="admin-dialog__buttons">
          <button type="submit" className="button button--primary" aria-disabled={sending ? true : undefined}>
            {sending ? 'Marking as shipped…' : 'Mark as shipped'}
          </button>
          <button type="button" className="button button--secondary" onClick={onClose} disabled={sending}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}
