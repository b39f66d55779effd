import { useState, type FormEvent } from 'react';
import { errorMessage, isAbortError } from '../../../lib/api';
import type { AdminOrder, ResolveBody } from '../api';
import { useAdminApi } from '../session/AdminSession';
import { Dialog } from '../ui/Dialog';
import { Field, FormAlert } from '../ui/Field';

const MAX_REASON = 500;

interface ResolveDialogProps {
  order: AdminOrder;
  onClose: () => void;
  onResolved: (order: AdminOrder, outcome: ResolveBody['outcome']) => void;
}

/** An order under review: accept its payment as it is, or refund it in full. */
export function ResolveDialog({ order, onClose, onResolved }: ResolveDialogProps) {
  const api = useAdminApi();
  const [outcome, setOutcome] = useState<ResolveBody['outcome'] | null>(null);
  const [reason, setReason] = useState('');
  const [choiceError, setChoiceError] = useState<string | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const [sending, setSending] = useState(false);

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (sending) return;
    setFailure(null);
    if (!outcome) {
      setChoiceError('Choose what to do with the order.');
      return;
    }
    setChoiceError(null);
    setSending(true);
    try {
      const resolved = await api.resolve(order.number, { outcome, reason: reason.trim() || null });
      onResolved(resolved, outcome);
    } catch (error) {
      if (isAbortError(error)) return;
      setSending(false);
      setFailure(error);
    }
  };

  const option = (value: ResolveBody['outcome'], label: string, hint: string) => (
    <div className="admin-check">
      <input
        id={`resolve-${value}`}
        type="radio"
        name="outcome"
        value={value}
        checked={outcome === value}
        aria-describedby={`resolve-${value}-hint`}
        onChange={() => {
          setOutcome(value);
          setChoiceError(null);
        }}
      />
      <label htmlFor={`resolve-${value}`}>
        {label}
        <span id={`resolve-${value}-hint`} className="admin-field__hint">
          {hint}
        </span>
      </label>
    </div>
  );

  return (
    <Dialog title={`Resolve the review of ${order.number}`} onClose={onClose} busy={sending}>
      <form className="admin-form" noValidate onSubmit={(event) => void onSubmit(event)}>
        {order.reviewReason && <p>Under review because: {order.reviewReason}</p>}
        {failure !== null && <FormAlert title="We couldn't resolve it">{errorMessage(failure)}</FormAlert>}
        <fieldset
          className="admin-fieldset"
          aria-describedby={choiceError ? 'resolve-choice-error' : undefined}
        >
          <legend>Outcome</legend>
          {choiceError && (
            <p id="resolve-choice-error" className="admin-field__error">
              <span className="visually-hidden">Error:</span> {choiceError}
            </p>
          )}
          {option(
            'paid',
            'Accept the payment',
            'The order is paid: its copies come off the shelf and the customer gets the confirmation email.',
          )}
          {option('refund', 'Refund it in full', 'The whole payment goes back and the copies go back on the shelf.')}
        </fieldset>
        <Field label="Reason (optional)" hint="For the order's history; the customer does not see it.">
          {(control) => (
            <textarea
              {...control}
              className="admin-input"
              rows={3}
              maxLength={MAX_REASON}
              value={reason}
              onChange={(event) => setReason(event.target.value)}
            />
          )}
        </Field>
        <div className="admin-dialog__buttons">
          <button type="submit" className="button button--primary" aria-disabled={sending ? true : undefined}>
            {sending ? 'Resolving…' : 'Resolve'}
          </button>
          <button type="button" className="button button--secondary" onClick={onClose} disabled={sending}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}
