import { describe, expect, it } from 'vitest';
import { apiError, mockFetch } from '../testing/fetchMock';
import { ApiError, NETWORK_ERROR_MESSAGE, api, errorMessage } from './api';

async function caught(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe('api client', () => {
  it('returns the parsed JSON body and sends JSON with the query string', async () => {
    const network = mockFetch([
      { method: 'POST', path: '/create-payment-intent', reply: { body: { ok: true } } },
      { path: '/api/orders/pi_1', reply: { body: { orderNumber: 'SP-7K3M9Q' } } },
    ]);

    await expect(api.post('/create-payment-intent', { items: [] })).resolves.toEqual({ ok: true });
    await expect(api.get('/api/orders/pi_1', { query: { client_secret: 's 1' } })).resolves.toEqual({
      orderNumber: 'SP-7K3M9Q',
    });

    expect(network.calls[0]?.body).toEqual({ items: [] });
    expect(network.calls[1]?.query.get('client_secret')).toBe('s 1');
  });

  it('turns the error shape into an ApiError with status, code, message and details', async () => {
    mockFetch([
      {
        method: 'POST',
        path: '/create-payment-intent',
        reply: apiError(400, 'unknown_books', 'These books are not sold here: nope.', { ids: ['nope'] }),
      },
    ]);

    const error = await caught(api.post('/create-payment-intent', {}));

    expect(error).toMatchObject({
      status: 400,
      code: 'unknown_books',
      message: 'These books are not sold here: nope.',
      details: { ids: ['nope'] },
      retryAfter: null,
    });
  });

  it('reads Retry-After from a 503', async () => {
    mockFetch([
      {
        path: '/config',
        reply: {
          status: 503,
          body: { error: { code: 'payment_provider_unavailable', message: 'Payments are busy right now.' } },
          headers: { 'Retry-After': '7' },
        },
      },
    ]);

    const error = await caught(api.get('/config'));

    expect(error.status).toBe(503);
    expect(error.code).toBe('payment_provider_unavailable');
    expect(error.retryAfter).toBe(7);
  });

  it('reports a network failure as a clear ApiError', async () => {
    mockFetch([{ path: '/api/books', reply: 'network-error' }]);

    const error = await caught(api.get('/api/books'));

    expect(error.status).toBe(0);
    expect(error.code).toBe('network_error');
    expect(error.message).toBe("Can't reach the shop. Check your connection and try again.");
  });

  it('treats a gateway error without a JSON body as the shop being unreachable', async () => {
    mockFetch([{ path: '/api/books', reply: { status: 502, rawBody: '<html>Bad Gateway</html>' } }]);

    const error = await caught(api.get('/api/books'));

    expect(error.status).toBe(502);
    expect(error.message).toBe(NETWORK_ERROR_MESSAGE);
  });

  it('gives a generic message for an unexpected error body, never the raw text', async () => {
    mockFetch([{ path: '/api/books', reply: { status: 500, rawBody: 'Traceback (most recent call last)' } }]);

    const error = await caught(api.get('/api/books'));

    expect(error.code).toBe('http_error');
    expect(error.message).not.toContain('Traceback');
    expect(errorMessage(error)).toBe(error.message);
    expect(errorMessage(new Error('internal detail'))).not.toContain('internal detail');
  });
});
