import { useEffect, useState } from 'react';

/**
 * Focus that waits for the next render, so a field is read out with the message that render
 * adds to it (focusing at once would read the field as it was).
 */
export function useFocusLater(): (target: HTMLElement | null | undefined) => void {
  const [target, setTarget] = useState<{ element: HTMLElement } | null>(null);
  useEffect(() => {
    target?.element.focus();
  }, [target]);
  return (element) => {
    if (element) setTarget({ element });
  };
}
