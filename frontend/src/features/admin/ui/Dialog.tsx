import { useEffect, useId, useRef, type ReactNode, type SyntheticEvent } from 'react';

interface DialogProps {
  title: string;
  /** Closes it: Escape, the Cancel button, or the caller once its work is done. */
  onClose: () => void;
  /** While true (a request is on its way) Escape does not close it. */
  busy?: boolean;
  children: ReactNode;
}

/** The page's main heading: where focus goes when the dialog's opener has gone meanwhile. */
function fallbackFocus(): HTMLElement | null {
  const heading = document.querySelector<HTMLElement>('main h1');
  if (heading && !heading.hasAttribute('tabindex')) heading.tabIndex = -1;
  return heading;
}

/**
 * A modal dialog on the browser's own <dialog>: showModal() makes the rest of the page inert
 * (focus stays inside, a screen reader reads only the dialog) and Escape asks it to close.
 * Mounted while open: focus goes to the first field (or the dialog), and back to whatever
 * opened it when it closes (or to the page's heading if that is gone).
 */
export function Dialog({ title, onClose, busy = false, children }: DialogProps) {
  const titleId = useId();
  const ref = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    const first = dialog.querySelector<HTMLElement>('input, select, textarea');
    (first ?? dialog).focus();
    return () => {
      if (dialog.open) dialog.close();
      const target = opener?.isConnected ? opener : fallbackFocus();
      target?.focus();
    };
  }, []);

  const onCancel = (event: SyntheticEvent<HTMLDialogElement>) => {
    // The browser would close it by itself; React's state says whether it is open.
    event.preventDefault();
    if (!busy) onClose();
  };

  // Should the browser close it all the same, the page follows. A `close` event that finds it
  // open again is an old one: the effect's cleanup closed it and the effect reopened it (as
  // React's StrictMode does once on mount).
  const onNativeClose = (event: SyntheticEvent<HTMLDialogElement>) => {
    if (!event.currentTarget.open) onClose();
  };

  return (
    <dialog
      ref={ref}
      className="admin-dialog"
      aria-labelledby={titleId}
      tabIndex={-1}
      onCancel={onCancel}
      onClose={onNativeClose}
    >
      <h2 id={titleId} className="admin-dialog__title">
        {title}
      </h2>
      {children}
    </dialog>
  );
}
