import { useEffect, useState } from 'react';
import { useLatest } from './useLatest';

/**
 * Whole seconds left of a countdown from `seconds`, started when the component mounts; calls
 * `onEnd` once when it reaches zero. Measured against a deadline on the clock rather than by
 * counting ticks, so a throttled background tab still ends on time.
 */
export function useCountdown(seconds: number, onEnd: () => void): number {
  const [deadline] = useState(() => Date.now() + Math.max(0, seconds) * 1000);
  const [left, setLeft] = useState(() => Math.max(0, Math.ceil(seconds)));
  const onEndRef = useLatest(onEnd);

  useEffect(() => {
    let timer: number | undefined;
    // Wakes when the shown number should next change; the cleanup stops it, so StrictMode's
    // second run of this effect never ends the countdown twice.
    const schedule = () => {
      const msLeft = deadline - Date.now();
      const untilNextSecond = msLeft - (Math.ceil(msLeft / 1000) - 1) * 1000;
      timer = window.setTimeout(tick, msLeft <= 0 ? 0 : untilNextSecond);
    };
    const tick = () => {
      const secondsLeft = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
      setLeft(secondsLeft);
      if (secondsLeft === 0) onEndRef.current();
      else schedule();
    };
    schedule();
    return () => window.clearTimeout(timer);
  }, [deadline, onEndRef]);

  return left;
}
