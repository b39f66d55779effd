import { useCountdown } from '../lib/useCountdown';

interface RetryCountdownProps {
  seconds: number;
  /** Called once, when the countdown reaches zero. */
  onEnd: () => void;
}

/**
 * "Trying again in 5 seconds…", counting down. role="timer" is ARIA's counter, whose changes
 * are not announced (its aria-live is "off"): inside an alert, it is read once with the alert
 * and then ticks silently, while anyone who reads the line hears the current number.
 */
export function RetryCountdown({ seconds, onEnd }: RetryCountdownProps) {
  const left = useCountdown(seconds, onEnd);
  return (
    <p className="state__countdown" role="timer" aria-live="off">
      {left > 0 ? `Trying again in ${left} ${left === 1 ? 'second' : 'seconds'}…` : 'Trying again…'}
    </p>
  );
}
