import type { InputHTMLAttributes, Ref } from 'react';

interface LookupFieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'aria-describedby' | 'aria-invalid'> {
  id: string;
  label: string;
  hint: string;
  /** Why the value cannot be right; shown above the input and read with it. */
  error?: string;
  inputRef?: Ref<HTMLInputElement>;
}

/** A labelled text input with its hint and, when it is wrong, its message, both tied to it. */
export function LookupField({ id, label, hint, error, inputRef, ...input }: LookupFieldProps) {
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  return (
    <div className={error ? 'lookup-field lookup-field--invalid' : 'lookup-field'}>
      <label htmlFor={id} className="lookup-field__label">
        {label}
      </label>
      <p id={hintId} className="lookup-field__hint">
        {hint}
      </p>
      {error && (
        <p id={errorId} className="lookup-field__error">
          <span className="visually-hidden">Error:</span> {error}
        </p>
      )}
      <input
        {...input}
        id={id}
        ref={inputRef}
        className="lookup-field__input"
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${errorId} ${hintId}` : hintId}
      />
    </div>
  );
}
