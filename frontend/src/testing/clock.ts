/**
 * Moving a faked clock (vi.useFakeTimers) inside React's act(), so what the timers set off
 * (requests answered, state set, effects) has rendered before the test looks. With the clock
 * faked, query with getBy/queryBy after settle() or elapse(): Testing Library's findBy and
 * waitFor end on a timer only Jest's fake timers advance, so under Vitest's they never return.
 */
import { act } from '@testing-library/react';
import { vi } from 'vitest';

/** Moves the fake clock on by `ms`, running every timer and promise due meanwhile. */
export async function elapse(ms: number): Promise<void> {
  await act(() => vi.advanceTimersByTimeAsync(ms));
}

/** Runs what is due without moving the clock: answered requests, zero-delay timers, renders. */
export function settle(): Promise<void> {
  return elapse(0);
}
