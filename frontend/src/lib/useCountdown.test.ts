import { renderHook } from '@testing-library/react';
import { StrictMode } from 'react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { elapse } from '../testing/clock';
import { useCountdown } from './useCountdown';

beforeEach(() => {
  vi.useFakeTimers();
});

describe('useCountdown', () => {
  it('counts whole seconds down and ends once, at zero', async () => {
    const onEnd = vi.fn();
    const { result } = renderHook(() => useCountdown(2, onEnd), { wrapper: StrictMode });

    expect(result.current).toBe(2);
    await elapse(999);
    expect(result.current).toBe(2);
    await elapse(1);
    expect(result.current).toBe(1);
    expect(onEnd).not.toHaveBeenCalled();
    await elapse(1000);
    expect(result.current).toBe(0);
    expect(onEnd).toHaveBeenCalledTimes(1);
    await elapse(5000);
    expect(onEnd).toHaveBeenCalledTimes(1);
  });

  it('follows the clock, not the ticks, when timers ran late (a throttled background tab)', async () => {
    const onEnd = vi.fn();
    const { result } = renderHook(() => useCountdown(5, onEnd));

    // The clock moves 3.5 s while no timer runs, then the late tick arrives.
    vi.setSystemTime(Date.now() + 3500);
    await elapse(1000);

    expect(result.current).toBe(1);
    await elapse(500);
    expect(result.current).toBe(0);
    expect(onEnd).toHaveBeenCalledTimes(1);
  });
});
