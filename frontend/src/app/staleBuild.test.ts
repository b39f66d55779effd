import { afterEach, describe, expect, it, vi } from 'vitest';
import { chunkLoaded, reloadOnStaleChunks } from './staleBuild';

const stops: (() => void)[] = [];

/** The shop as it starts in a tab: watching for chunks that fail, with `reload` to reload. */
function startTab() {
  const reload = vi.fn();
  stops.push(reloadOnStaleChunks(reload));
  return reload;
}

function chunkFails() {
  window.dispatchEvent(new Event('vite:preloadError', { cancelable: true }));
}

afterEach(() => {
  for (const stop of stops.splice(0)) stop();
});

describe('stale chunks after a deploy', () => {
  it('reloads the page once when a chunk fails to load', () => {
    const reload = startTab();
    chunkFails();
    expect(reload).toHaveBeenCalledTimes(1);
  });

  it('does not reload again after that reload when the chunk still fails, so it never loops', () => {
    const firstTab = startTab();
    chunkFails();
    stops.pop()?.();

    // The reloaded page: same session, the chunk fails again.
    const reloaded = startTab();
    chunkFails();
    chunkFails();

    expect(firstTab).toHaveBeenCalledTimes(1);
    expect(reloaded).not.toHaveBeenCalled();
  });

  it('reloads again for a later deploy once a page chunk has loaded', () => {
    startTab();
    chunkFails();
    stops.pop()?.();

    const reloaded = startTab();
    chunkLoaded();
    chunkFails();
    expect(reloaded).toHaveBeenCalledTimes(1);
  });

  it('never reloads by itself when session storage is unavailable', () => {
    const reload = vi.fn();
    stops.push(reloadOnStaleChunks(reload, null));
    chunkFails();
    expect(reload).not.toHaveBeenCalled();
  });
});
