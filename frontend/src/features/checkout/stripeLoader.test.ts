import type { Stripe } from '@stripe/stripe-js';
import { loadStripe } from '@stripe/stripe-js/pure';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { demoConfig, stripeConfig } from '../../testing/fixtures';

vi.mock('@stripe/stripe-js/pure', () => ({ loadStripe: vi.fn() }));

const stripe = { elements: vi.fn() } as unknown as Stripe;

/** A fresh copy of the loader, so each test starts with nothing memoised. */
async function freshLoader() {
  vi.resetModules();
  return import('./stripeLoader');
}

beforeEach(() => {
  vi.mocked(loadStripe).mockReset();
});

afterEach(() => {
  vi.useRealTimers();
  vi.doUnmock('../../stripe-demo/demoStripe');
});

describe('getStripe in Stripe mode', () => {
  it('loads Stripe.js once with the publishable key and shares it', async () => {
    vi.mocked(loadStripe).mockResolvedValue(stripe);
    const { getStripe } = await freshLoader();

    const [first, second] = await Promise.all([getStripe(stripeConfig), getStripe(stripeConfig)]);
    expect(first).toBe(stripe);
    expect(await getStripe(stripeConfig)).toBe(second);
    expect(loadStripe).toHaveBeenCalledTimes(1);
    expect(loadStripe).toHaveBeenCalledWith('pk_test_123');
  });

  it('forgets a failed load, so the next call tries Stripe.js again', async () => {
    vi.mocked(loadStripe)
      .mockRejectedValueOnce(new Error('Failed to load Stripe.js'))
      .mockResolvedValueOnce(stripe);
    const { getStripe, PaymentFormLoadError } = await freshLoader();

    await expect(getStripe(stripeConfig)).rejects.toBeInstanceOf(PaymentFormLoadError);
    expect(await getStripe(stripeConfig)).toBe(stripe);
    expect(loadStripe).toHaveBeenCalledTimes(2);
  });

  it('treats a null Stripe object as a failed load, and retries it', async () => {
    vi.mocked(loadStripe).mockResolvedValueOnce(null).mockResolvedValueOnce(stripe);
    const { getStripe, PaymentFormLoadError } = await freshLoader();

    await expect(getStripe(stripeConfig)).rejects.toBeInstanceOf(PaymentFormLoadError);
    expect(await getStripe(stripeConfig)).toBe(stripe);
  });

  it('gives up on a Stripe.js that never answers, and retries it', async () => {
    vi.useFakeTimers();
    vi.mocked(loadStripe).mockReturnValueOnce(new Promise(() => {})).mockResolvedValueOnce(stripe);
    const { getStripe, PaymentFormLoadError, STRIPE_LOAD_TIMEOUT_MS } = await freshLoader();

    const hanging = getStripe(stripeConfig);
    const outcome = expect(hanging).rejects.toBeInstanceOf(PaymentFormLoadError);
    await vi.advanceTimersByTimeAsync(STRIPE_LOAD_TIMEOUT_MS - 1);
    expect(getStripe(stripeConfig)).toBe(hanging);
    await vi.advanceTimersByTimeAsync(1);
    await outcome;

    expect(await getStripe(stripeConfig)).toBe(stripe);
  });

  it('fails without a publishable key instead of calling Stripe.js', async () => {
    const { getStripe, PaymentFormLoadError } = await freshLoader();

    await expect(getStripe({ ...stripeConfig, publishableKey: null })).rejects.toBeInstanceOf(PaymentFormLoadError);
    expect(loadStripe).not.toHaveBeenCalled();
  });
});

describe('getStripe in demo mode', () => {
  it('returns the local stand-in and never asks for Stripe.js', async () => {
    const { getStripe } = await freshLoader();

    const demo = await getStripe(demoConfig);
    expect(typeof demo.elements).toBe('function');
    expect(typeof demo.confirmPayment).toBe('function');
    expect(loadStripe).not.toHaveBeenCalled();
  });

  it('reports a stand-in chunk that fails to load as a load error, and fetches it again next time', async () => {
    const chunk = vi.fn<() => object>(() => {
      throw new TypeError('Failed to fetch dynamically imported module');
    });
    vi.doMock('../../stripe-demo/demoStripe', () => chunk());
    const { getStripe, PaymentFormLoadError } = await freshLoader();

    await expect(getStripe(demoConfig)).rejects.toBeInstanceOf(PaymentFormLoadError);

    chunk.mockReturnValue({ createDemoStripe: () => stripe });
    vi.resetModules();
    expect(await getStripe(demoConfig)).toBe(stripe);
  });
});
