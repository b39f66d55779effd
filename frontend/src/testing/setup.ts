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
