import { useRef, useState, type FormEvent } from 'react';
import { ErrorState } from '../../../components/ErrorState';
import { LoadingState } from '../../../components/LoadingState';
import { errorMessage, isAbortError } from '../../../lib/api';
import { formatMoney } from '../../../lib/money';
import { useResource } from '../../../lib/useResource';
import type { Refund, Refundable, RefundBody } from '../api';
import { useAdminApi } from '../session/AdminSession';
import { Dialog } from '../ui/Dialog';
import { Field, FormAlert } from '../ui/Field';
import { parseAmount, parseCount } from '../ui/format';
import { useFocusLater } from '../ui/useFocusLater';

const MAX_REASON = 500;

interface RefundDialogProps {
  number: string;
  currency: string;
  onClose: () => void;
  onRefunded: (refund: Refund) => void;
}

/**
 * Refund part of an order, or all that is left: copies of its lines, the shipping, or a set
 * amount; a reason; the copies back on the shelf or not; the customer emailed or not. It starts
 * from what the server says is left to refund, and the server works out the amount (the copies'
 * price and their share of the tax): nothing about money is worked out here.
 */
export function RefundDialog({ number, currency, onClose, onRefunded }: RefundDialogProps) {
  const api = useAdminApi();
  const { state, reload } = useResource(`refunds:${number}`, () => api.refunds(number));
  const [sending, setSending] = useState(false);
  return (
    <Dialog title={`Refund ${number}`} onClose={onClose} busy={sending}>
      {state.status === 'loading' && <LoadingState label="Loading what is left to refund…" />}
      {state.status === 'error' && (
        <>
          <ErrorState title="We couldn't load what is left to refund" error={state.error} onRetry={reload} />
          <div className="admin-dialog__buttons">
            <button type="button" className="button button--secondary" onClick={onClose}>
              Close
            </button>
          </div>
        </>
      )}
      {state.status === 'success' && (
        <RefundForm
          number={number}
          currency={currency}
          refundable={state.data.refundable}
          sending={sending}
          setSending={setSending}
          onClose={onClose}
          onRefunded={onRefunded}
        />
      )}
    </Dialog>
  );
}

interface RefundFormProps extends RefundDialogProps {
  refundable: Refundable;
  sending: boolean;
  setSending: (sending: boolean) => void;
}

function RefundForm({ number, currency, refundable, sending, setSending, onClose, onRefunded }: RefundFormProps) {
  const api = useAdminApi();
  const lines = refundable.lines.filter((line) => line.quantity > 0);
  const [copies, setCopies] = useState<Record<string, string>>({});
  const [shipping, setShipping] = useState(false);
  const [setAmount, setSetAmount] = useState(false);
  const [amountText, setAmountText] = useState('');
  const [reason, setReason] = useState('');
  const [restock, setRestock] = useState(true);
  const [notify, setNotify] = useState(true);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<string | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const inputs = useRef(new Map<string, HTMLInputElement>());
  const formRef = useRef<HTMLFormElement>(null);
  const focusLater = useFocusLater();
  const money = (amount: number) => formatMoney(amount, currency);

  if (refundable.amount === 0) {
    return (
      <>
        <p>Nothing is left to refund on this order.</p>
        <div className="admin-dialog__buttons">
          <button type="button" className="button button--secondary" onClick={onClose}>
            Close
          </button>
        </div>
      </>
    );
  }

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (sending) return;
    const found: Record<string, string> = {};
    const chosen: NonNullable<RefundBody['lines']> = [];
    for (const line of lines) {
      const text = copies[line.bookId] ?? '';
      const count = text.trim() === '' ? 0 : parseCount(text);
      if (count === null || count > line.quantity) {
        found[line.bookId] = `Enter a whole number from 0 to ${line.quantity}.`;
      } else if (count > 0) {
        chosen.push({ bookId: line.bookId, quantity: count });
      }
    }
    const amount = setAmount ? parseAmount(amountText, currency) : null;
    if (setAmount && (amount === null || amount <= 0)) found.amount = 'Enter an amount, like 12.50.';
    const nothing = Object.keys(found).length === 0 && chosen.length === 0 && !shipping && !setAmount;
    setErrors(found);
    setFailure(null);
    setProblem(nothing ? 'Choose copies to refund, the shipping, or a set amount.' : null);
    const firstInvalid = Object.keys(found)[0];
    if (firstInvalid) {
      focusLater(inputs.current.get(firstInvalid));
      return;
    }
    if (nothing) {
      focusLater(formRef.current?.querySelector<HTMLInputElement>('input'));
      return;
    }
    setSending(true);
    try {
      const { refund } = await api.refund(number, {
        lines: chosen,
        shipping,
        amount,
        reason: reason.trim() || null,
        restock,
        notify,
      });
      setSending(false);
      onRefunded(refund);
    } catch (error) {
      if (isAbortError(error)) return;
      setSending(false);
      setFailure(error);
    }
  };

  const register = (key: string) => (element: HTMLInputElement | null) => {
    if (element) inputs.current.set(key, element);
    else inputs.current.delete(key);
  };

  return (
    <form ref={formRef} className="admin-form" noValidate onSubmit={(event) => void onSubmit(event)}>
      <p className="admin-refund__left">
        Left to refund: <strong>{money(refundable.amount)}</strong>
      </p>
      {failure !== null && <FormAlert title="We couldn't refund it">{errorMessage(failure)}</FormAlert>}
      {problem && <FormAlert>{problem}</FormAlert>}
      {lines.length > 0 && (
        <fieldset className="admin-fieldset">
          <legend>Copies to refund</legend>
          {lines.map((line) => (
            <Field
              key={line.bookId}
              label={line.title}
              hint={`Up to ${line.quantity} ${line.quantity === 1 ? 'copy' : 'copies'}.`}
              error={errors[line.bookId]}
              className="admin-field--inline"
            >
              {(control) => (
                <input
                  {...control}
                  ref={register(line.bookId)}
                  className="admin-input admin-input--count"
                  type="number"
                  inputMode="numeric"
                  min={0}
                  max={line.quantity}
                  step={1}
                  value={copies[line.bookId] ?? ''}
                  placeholder="0"
                  onChange={(event) => setCopies((now) => ({ ...now, [line.bookId]: event.target.value }))}
                />
              )}
            </Field>
          ))}
        </fieldset>
      )}
      {refundable.shipping > 0 && (
        <div className="admin-check">
          <input id="refund-shipping" type="checkbox" checked={shipping} onChange={(event) => setShipping(event.target.checked)} />
          <label htmlFor="refund-shipping">Refund the shipping ({money(refundable.shipping)})</label>
        </div>
      )}
      <fieldset className="admin-fieldset">
        <legend>Amount</legend>
        <div className="admin-check">
          <input
            id="refund-computed"
            type="radio"
            name="refund-amount"
            checked={!setAmount}
            aria-describedby="refund-computed-hint"
            onChange={() => setSetAmount(false)}
          />
          <label htmlFor="refund-computed">
            What the copies and shipping come to
            <span id="refund-computed-hint" className="admin-field__hint">
              The shop works it out: their price and their share of the tax.
            </span>
          </label>
        </div>
        <div className="admin-check">
          <input
            id="refund-set"
            type="radio"
            name="refund-amount"
            checked={setAmount}
            onChange={() => setSetAmount(true)}
          />
          <label htmlFor="refund-set">A set amount</label>
        </div>
        {setAmount && (
          <Field
            label={`Amount (${currency.toUpperCase()})`}
            hint={`At most ${money(refundable.amount)}. Copies chosen above say what it is for.`}
            error={errors.amount}
          >
            {(control) => (
              <input
                {...control}
                ref={register('amount')}
                className="admin-input admin-input--count"
                type="text"
                inputMode="decimal"
                autoComplete="off"
                value={amountText}
                onChange={(event) => setAmountText(event.target.value)}
              />
            )}
          </Field>
        )}
      </fieldset>
      <Field label="Reason (optional)" hint="For the order's history; the customer does not see it.">
        {(control) => (
          <textarea
            {...control}
            className="admin-input"
            rows={2}
            maxLength={MAX_REASON}
            value={reason}
            onChange={(event) => setReason(event.target.value)}
          />
        )}
      </Field>
      <div className="admin-check">
        <input id="refund-restock" type="checkbox" checked={restock} onChange={(event) => setRestock(event.target.checked)} />
        <label htmlFor="refund-restock">Put the copies back on the shelf</label>
      </div>
      <div className="admin-check">
        <input id="refund-notify" type="checkbox" checked={notify} onChange={(event) => setNotify(event.target.checked)} />
        <label htmlFor="refund-notify">Email the customer the amount once it is refunded</label>
      </div>
      <div className="admin-dialog__buttons">
        <button type="submit" className="button button--primary" aria-disabled={sending ? true : undefined}>
          {sending ? 'Refunding…' : 'Refund'}
        </button>
        <button type="button" className="button button--secondary" onClick={onClose} disabled={sending}>
          Cancel
        </button>
      </div>
    </form>
  );
}
