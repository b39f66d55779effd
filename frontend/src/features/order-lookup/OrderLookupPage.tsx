import { useEffect, useRef, useState, type ChangeEvent, type FormEvent } from 'react';
import { ErrorState } from '../../components/ErrorState';
import { LoadingState } from '../../components/LoadingState';
import { RetryCountdown } from '../../components/RetryCountdown';
import { isApiError } from '../../lib/api';
import { FoundOrder } from './FoundOrder';
import { LookupField } from './LookupField';
import {
  FIELD_ORDER,
  lookupBody,
  validateLookup,
  type LookupErrors,
  type LookupField as Field,
  type LookupFields,
} from './lookupFields';
import { automaticRetryDelay, isNotFound } from './retryDelay';
import { useOrderLookup } from './useOrderLookup';
import './orderLookup.css';

const EMPTY: LookupFields = { number: '', email: '' };

interface LookupFailureProps {
  error: unknown;
  onRetry: () => void;
  /** Tries again without the shopper; null when the one automatic retry is spent. */
  onAutomaticRetry: (() => void) | null;
}

/** Why no order is shown: no match (said the same for a wrong number or email), waiting, or the network. */
function LookupFailure({ error, onRetry, onAutomaticRetry }: LookupFailureProps) {
  if (isNotFound(error)) {
    return (
      <ErrorState title="We couldn't find that order" error={error}>
        <p>Check the order number in your confirmation email, and use the email address you gave at checkout.</p>
      </ErrorState>
    );
  }
  const delay = onAutomaticRetry ? automaticRetryDelay(error) : null;
  const tooMany = isApiError(error) && error.status === 429;
  return (
    <ErrorState title={tooMany ? 'Too many searches for now' : "We couldn't look up your order"} error={error} onRetry={onRetry}>
      {onAutomaticRetry && delay !== null && <RetryCountdown seconds={delay} onEnd={onAutomaticRetry} />}
    </ErrorState>
  );
}

/**
 * /orders/find: an order shown to whoever gives its number and the email it was placed with.
 * Both are sent in a POST body, never in the address bar, and kept only while the page is open.
 */
export default function OrderLookupPage() {
  const [fields, setFields] = useState<LookupFields>(EMPTY);
  const [errors, setErrors] = useState<LookupErrors>({});
  // Once the shopper has pressed the button, messages follow what they type.
  const [checked, setChecked] = useState(false);
  // At most one automatic retry in a row (after a 429's countdown); the shopper's own try gives it back.
  const [automaticRetrySpent, setAutomaticRetrySpent] = useState(false);
  const [invalidFocus, setInvalidFocus] = useState<{ field: Field } | null>(null);
  const { state, find, reset } = useOrderLookup();

  const inputs = useRef<Record<Field, HTMLInputElement | null>>({ number: null, email: null });
  const formRef = useRef<HTMLFormElement>(null);
  const submitRef = useRef<HTMLButtonElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  // How the order's heading takes focus when it appears: always after the shopper's own try;
  // after an automatic one only if they are not typing in the form meanwhile.
  const focusFound = useRef<'always' | 'unless-typing' | null>(null);
  const loading = state.phase === 'loading';

  // After the messages have rendered, so the field is read out with its message.
  useEffect(() => {
    if (invalidFocus) inputs.current[invalidFocus.field]?.focus();
  }, [invalidFocus]);

  useEffect(() => {
    if (state.phase !== 'found' || !focusFound.current) return;
    const typing =
      focusFound.current === 'unless-typing' &&
      document.activeElement instanceof HTMLInputElement &&
      formRef.current?.contains(document.activeElement);
    focusFound.current = null;
    if (!typing) headingRef.current?.focus();
  }, [state]);

  const onChange = (field: Field) => (event: ChangeEvent<HTMLInputElement>) => {
    const next = { ...fields, [field]: event.target.value };
    setFields(next);
    if (checked) setErrors((current) => ({ ...current, [field]: validateLookup(next)[field] }));
  };

  const submit = (automatic: boolean) => {
    if (loading) return;
    const found = validateLookup(fields);
    setErrors(found);
    setChecked(true);
    const firstInvalid = FIELD_ORDER.find((field) => found[field]);
    if (firstInvalid) {
      // Whatever was shown was for other values.
      reset();
      if (!automatic) setInvalidFocus({ field: firstInvalid });
      return;
    }
    setAutomaticRetrySpent(automatic);
    focusFound.current = automatic ? 'unless-typing' : 'always';
    void find(lookupBody(fields));
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    submit(false);
  };

  const onRetry = () => {
    // The alert with this button goes while the lookup runs: focus waits on the form's button.
    submitRef.current?.focus();
    submit(false);
  };

  return (
    <section className="page page--narrow order-lookup" aria-labelledby="order-lookup-title">
      <h1 id="order-lookup-title" className="page__title" tabIndex={-1}>
        Find your order
      </h1>
      <p className="lede">
        Enter the order number from your confirmation email and the email address you ordered with.
      </p>
      <form ref={formRef} className="lookup-form" noValidate onSubmit={onSubmit}>
        <LookupField
          id="lookup-number"
          name="orderNumber"
          label="Order number"
          hint="It starts with SP-, like SP-7K3M9Q."
          error={errors.number}
          inputRef={(element) => {
            inputs.current.number = element;
          }}
          value={fields.number}
          onChange={onChange('number')}
          type="text"
          autoComplete="off"
          autoCapitalize="characters"
          spellCheck={false}
        />
        <LookupField
          id="lookup-email"
          name="email"
          label="Email"
          hint="The address you gave at checkout."
          error={errors.email}
          inputRef={(element) => {
            inputs.current.email = element;
          }}
          value={fields.email}
          onChange={onChange('email')}
          type="email"
          inputMode="email"
          autoComplete="email"
          autoCapitalize="none"
          spellCheck={false}
        />
        <button
          ref={submitRef}
          type="submit"
          className="button button--primary lookup-form__submit"
          aria-disabled={loading ? true : undefined}
        >
          {loading ? 'Finding your order…' : 'Find order'}
        </button>
      </form>
      <div className="order-lookup__outcome">
        {state.phase === 'loading' && <LoadingState label="Looking up your order…" />}
        {state.phase === 'failed' && (
          <LookupFailure
            error={state.error}
            onRetry={onRetry}
            onAutomaticRetry={automaticRetrySpent ? null : () => submit(true)}
          />
        )}
        {state.phase === 'found' && <FoundOrder order={state.order} headingRef={headingRef} />}
      </div>
    </section>
  );
}
