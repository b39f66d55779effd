import { useRef, useState, type FormEvent } from 'react';
import { errorMessage, isAbortError } from '../../../lib/api';
import type { AdminOrder } from '../api';
import { useAdminApi } from '../session/AdminSession';
import { Field, FormAlert } from '../ui/Field';
import { useFocusLater } from '../ui/useFocusLater';

const MAX_NOTE = 500;

/** An internal note on the order's timeline: signed with the owner's email, never shown to the customer. */
export function NoteForm({ number, onAdded }: { number: string; onAdded: (order: AdminOrder) => void }) {
  const api = useAdminApi();
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const [sending, setSending] = useState(false);
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const focusLater = useFocusLater();

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (sending) return;
    setFailure(null);
    if (!text.trim()) {
      setError('Write the note first.');
      focusLater(inputRef.current);
      return;
    }
    setError(null);
    setSending(true);
    try {
      const order = await api.addNote(number, { text: text.trim() });
      setSending(false);
      setText('');
      onAdded(order);
    } catch (caught) {
      if (isAbortError(caught)) return;
      setSending(false);
      setFailure(caught);
    }
  };

  return (
    <form className="admin-form admin-note" noValidate onSubmit={(event) => void onSubmit(event)}>
      {failure !== null && <FormAlert title="We couldn't add the note">{errorMessage(failure)}</FormAlert>}
      <Field label="Internal note" hint={`Only owners see it. Up to ${MAX_NOTE} characters.`} error={error}>
        {(control) => (
          <textarea
            {...control}
            ref={inputRef}
            className="admin-input"
            rows={3}
            maxLength={MAX_NOTE}
            value={text}
            onChange={(event) => setText(event.target.value)}
          />
        )}
      </Field>
      <button type="submit" className="button button--secondary" aria-disabled={sending ? true : undefined}>
        {sending ? 'Adding the note…' : 'Add note'}
      </button>
    </form>
  );
}
