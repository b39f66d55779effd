/**
 * A tab left open across a deploy asks for chunks by names the new build no longer has. Vite
 * fires `vite:preloadError` when such a dynamic import fails; reloading fetches the new
 * index.html and chunks. The shop reloads once only: a mark in sessionStorage says it already
 * did, until a page chunk loads again. A chunk that still fails after the reload (the server
 * is down, say) is left to the error boundary, which offers its own Reload, instead of
 * reloading in a loop.
 */
import { reloadPage } from './reloadPage';

const RELOADED_KEY = 'bookstore.reloadedForNewBuild';

function sessionStore(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

/** Reloads the page the first time a chunk fails to load; returns a function that stops it. */
export function reloadOnStaleChunks(reload: () => void = reloadPage, storage = sessionStore()): () => void {
  const onPreloadError = () => {
    try {
      // Without storage there is no mark to stop a second reload: never reload by ourselves.
      if (!storage || storage.getItem(RELOADED_KEY)) return;
      storage.setItem(RELOADED_KEY, '1');
    } catch {
      return;
    }
    reload();
  };
  window.addEventListener('vite:preloadError', onPreloadError);
  return () => window.removeEventListener('vite:preloadError', onPreloadError);
}

/** A page chunk loaded, so the tab runs the current build: a later stale chunk may reload again. */
export function chunkLoaded(storage = sessionStore()): void {
  try {
    storage?.removeItem(RELOADED_KEY);
  } catch {
    // Nothing to clear without storage.
  }
}
