import { useRef, useState, type FormEvent } from 'react';
import { errorMessage, isAbortError } from '../../../lib/api';
import type { StockRow } from '../api';
import { useAdminApi } from '../session/AdminSession';
import { Dialog } from '../ui/Dialog';
import { Field, FormAlert } from '../ui/Field';
import { fieldErrors, parseCount } from '../ui/format';
import { useFocusLater } from '../ui/useFocusLater';

const MAX_REASON = 200;

interface StockDialogProps {
  row: StockRow;
  onClose: () => void;
  onSaved: (row: StockRow) => void;
}

function DialogButtons({ label, busyLabel, sending, onClose }: { label: string; busyLabel: string; sending: boolean; onClose: () => void }) {
  return (
    <div className="admin-dialog__buttons">
      <button type="submit" className="button button--primary" aria-disabled={sending ? true : undefined}>
        {sending ? busyLabel : label}
      </button>
      <button type="button" className="button button--secondary" onClick={onClose} disabled={sending}>
        Cancel
      </button>
    </div>
  );
}

/** The copies the owner counted on the shelf, and why the count changed (for the history). */
export function ShelfCountDialog({ row, onClose, onSaved }: StockDialogProps) {
  const api = useAdminApi();
  const [count, setCount] = useState(String(row.onShelf));
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<{ onShelf?: string; reason?: string }>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [sending, setSending] = useState(false);
  const countRef = useRef<HTMLInputElement>(null);
  const reasonRef = useRef<HTMLTextAreaElement>(null);
  const focusLater = useFocusLater();

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (sending) return;
    setFailure(null);
    const onShelf = parseCount(count);
    const found: typeof errors = {};
    if (onShelf === null) found.onShelf = 'Enter a whole number of copies, 0 or more.';
    if (!reason.trim()) found.reason = 'Say why: a delivery, a stocktake, damaged copies…';
    setErrors(found);
    if (onShelf === null || found.reason) {
      focusLater(found.onShelf ? countRef.current : reasonRef.current);
      return;
    }
    setSending(true);
    try {
      onSaved(await api.countShelf(row.id, { onShelf, reason: reason.trim() }));
    } catch (error) {
      if (isAbortError(error)) return;
      setSending(false);
      setErrors(fieldErrors(error));
      setFailure(error);
    }
  };

  return (
    <Dialog title={`Copies of ${row.title} on the shelf`} onClose={onClose} busy={sending}>
      <form className="admin-form" noValidate onSubmit={(event) => void onSubmit(event)}>
        <p>
          Now {row.onShelf} on the shelf, {row.held} held by checkouts, {row.available} available.
        </p>
        {failure !== null && <FormAlert title="We couldn't change the count">{errorMessage(failure)}</FormAlert>}
        <Field label="Copies on the shelf" hint="What you counted: it replaces the count." error={errors.onShelf}>
          {(control) => (
            <input
              {...control}
              ref={countRef}
              className="admin-input admin-input--count"
              type="number"
              inputMode="numeric"
              min={0}
              step={1}
              value={count}
              onChange={(event) => setCount(event.target.value)}
            />
          )}
        </Field>
        <Field label="Reason" hint="For the stock history." error={errors.reason}>
          {(control) => (
            <textarea
              {...control}
              ref={reasonRef}
              className="admin-input"
              rows={2}
              maxLength={MAX_REASON}
              value={reason}
              onChange={(event) => setReason(event.target.value)}
            />
          )}
        </Field>
        <DialogButtons label="Save the count" busyLabel="Saving…" sending={sending} onClose={onClose} />
      </form>
    </Dialog>
  );
}

/** The low-stock threshold: the owners are emailed when the copies available fall to it. */
export function ThresholdDialog({ row, onClose, onSaved }: StockDialogProps) {
  const api = useAdminApi();
  const [value, setValue] = useState(row.lowStockThreshold === null ? '' : String(row.lowStockThreshold));
  const [error, setError] = useState<string | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const [sending, setSending] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  const focusLater = useFocusLater();

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (sending) return;
    setFailure(null);
    const threshold = value.trim() === '' ? null : parseCount(value);
    if (value.trim() !== '' && threshold === null) {
      setError('Enter a whole number, 0 or more, or leave it empty for no email.');
      focusLater(inputRef.current);
      return;
    }
    setError(null);
    setSending(true);
    try {
      onSaved(await api.setThreshold(row.id, { lowStockThreshold: threshold }));
    } catch (caught) {
      if (isAbortError(caught)) return;
      setSending(false);
      setError(fieldErrors(caught).lowStockThreshold ?? null);
      setFailure(caught);
    }
  };

  return (
    <Dialog title={`Low-stock threshold of ${row.title}`} onClose={onClose} busy={sending}>
      <form className="admin-form" noValidate onSubmit={(event) => void onSubmit(event)}>
        <p>Now {row.available} available.</p>
        {failure !== null && <FormAlert title="We couldn't set the threshold">{errorMessage(failure)}</FormAlert>}
        <Field
          label="Email the owners when this many or fewer are available"
          hint="Once each time the copies fall to it. Leave it empty for no email."
          error={error}
        >
          {(control) => (
            <input
              {...control}
              ref={inputRef}
              className="admin-input admin-input--count"
              type="number"
              inputMode="numeric"
              min={0}
              step={1}
              value={value}
              onChange={(event) => setValue(event.target.value)}
            />
          )}
        </Field>
        <DialogButtons label="Save the threshold" busyLabel="Saving…" sending={sending} onClose={onClose} />
      </form>
    </Dialog>
  );
}
