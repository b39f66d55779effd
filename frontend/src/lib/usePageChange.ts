import { useEffect, useRef } from 'react';

/** The page's first heading, focused once it is there (a lazy or loading page adds it later). */
function focusHeading(main: HTMLElement): boolean {
  const heading = main.querySelector('h1');
  if (!heading) return false;
  // The shopper got into the new page first (typing in a field): leave their focus alone.
  const active = document.activeElement;
  if (active && active !== main && main.contains(active)) return true;
  if (!heading.hasAttribute('tabindex')) heading.tabIndex = -1;
  heading.focus({ preventScroll: true });
  return true;
}

/**
 * On moving to another page within the app: back to the top, and focus on the new page's
 * heading, so a screen reader announces it and the keyboard starts there, as after a full page
 * load. The first page of a visit is left as the browser opened it.
 */
export function usePageChange(pathname: string, mainId: string) {
  const firstPath = useRef(pathname);
  const moved = useRef(false);

  useEffect(() => {
    if (!moved.current && pathname === firstPath.current) return;
    moved.current = true;
    // The root element scrolls the page in standards mode.
    document.documentElement.scrollTop = 0;
    const main = document.getElementById(mainId);
    if (!main || focusHeading(main)) return;
    const observer = new MutationObserver(() => {
      if (focusHeading(main)) observer.disconnect();
    });
    observer.observe(main, { childList: true, subtree: true });
    return () => observer.disconnect();
  }, [pathname, mainId]);
}
