import '@testing-library/jest-dom/vitest';
import { cleanup } from '@testing-library/react';
import { afterEach, beforeEach, vi } from 'vitest';

beforeEach(() => {
  localStorage.clear();
  sessionStorage.clear();
});

afterEach(() => {
  cleanup();
  // A test that faked the clock must not leave it faked for the next one.
  vi.useRealTimers();
  document.body.innerHTML = '';
  document.body.className = '';
});

// jsdom has no showModal() or close(): the browser's <dialog> as far as the tests need it (open
// reflects the attribute; Escape is the `cancel` event a test fires, as the browser does).
if (!('showModal' in HTMLDialogElement.prototype)) {
  Object.assign(HTMLDialogElement.prototype, {
    showModal(this: HTMLDialogElement) {
      this.open = true;
    },
    close(this: HTMLDialogElement) {
      if (!this.open) return;
      this.open = false;
      // The browser fires `close` in a task of its own, not during the call.
      setTimeout(() => this.dispatchEvent(new Event('close')), 0);
    },
  });
}
