import { useId, type ReactNode } from 'react';

/** What a field's control needs to be tied to its label, hint and message. */
export interface ControlProps {
  id: string;
  'aria-describedby': string | undefined;
  'aria-invalid': true | undefined;
}

interface FieldProps {
  label: ReactNode;
  hint?: ReactNode;
  /** Why the value cannot be right; read with the field. */
  error?: string | null;
  className?: string;
  children: (control: ControlProps) => ReactNode;
}

/** A labelled control (input, select, textarea) with its hint and its message tied to it. */
export function Field({ label, hint, error, className, children }: FieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [error ? errorId : null, hint ? hintId : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className={['admin-field', error ? 'admin-field--invalid' : null, className].filter(Boolean).join(' ')}>
      <label htmlFor={id} className="admin-field__label">
        {label}
      </label>
      {hint && (
        <p id={hintId} className="admin-field__hint">
          {hint}
        </p>
      )}
      {error && (
        <p id={errorId} className="admin-field__error">
          <span className="visually-hidden">Error:</span> {error}
        </p>
      )}
      {children({ id, 'aria-describedby': describedBy, 'aria-invalid': error ? true : undefined })}
    </div>
  );
}

/** A form's error: announced as it appears (role=alert), kept until the next try. */
export function FormAlert({ title, children }: { title?: string; children: ReactNode }) {
  return (
    <div className="admin-alert" role="alert">
      {title && <p className="admin-alert__title">{title}</p>}
      <p>{children}</p>
    </div>
  );
}
