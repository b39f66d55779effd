/**
 * Mocks the network at the fetch boundary: each test lists the requests it expects and
 * how the server answers; anything else fails loudly.
 */
import { vi } from 'vitest';

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
  /** The request's headers, names in lower case (as fetch's Headers gives them). */
  headers: Record<string, string>;
}

/** An HTTP answer: JSON `body` (or `rawBody` text), status 200 unless given. */
export interface HttpReply {
  status?: number;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
}

export type Reply = HttpReply | 'network-error';

export interface Route {
  method?: string;
  path: string | RegExp;
  reply: Reply | ((request: RecordedRequest, callIndex: number) => Reply | Promise<Reply>);
}

function matches(route: Route, request: RecordedRequest): boolean {
  if ((route.method ?? 'GET') !== request.method) return false;
  return typeof route.path === 'string' ? route.path === request.path : route.path.test(request.path);
}

export function mockFetch(routes: Route[]) {
  const calls: RecordedRequest[] = [];
  const counts = new Map<Route, number>();

  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const href = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const url = new URL(href, 'http://localhost');
    const method = (init?.method ?? 'GET').toUpperCase();
    const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : null;
    const headers = Object.fromEntries(new Headers(init?.headers).entries());
    const request: RecordedRequest = { method, path: url.pathname, query: url.searchParams, body, headers };
    calls.push(request);

    const route = routes.find((candidate) => matches(candidate, request));
    if (!route) throw new Error(`Unexpected request: ${method} ${url.pathname}${url.search}`);
    const index = counts.get(route) ?? 0;
    counts.set(route, index + 1);
    const reply = typeof route.reply === 'function' ? await route.reply(request, index) : route.reply;
    if (reply === 'network-error') throw new TypeError('Failed to fetch');
    const text = reply.rawBody ?? (reply.body === undefined ? '' : JSON.stringify(reply.body));
    return new Response(text, {
      status: reply.status ?? 200,
      headers: { 'Content-Type': 'application/json', ...reply.headers },
    });
  });

  vi.stubGlobal('fetch', fetchMock);
  return {
    calls,
    /** Requests sent to `path` (and method, default any). */
    callsTo: (path: string, method?: string) =>
      calls.filter((call) => call.path === path && (!method || call.method === method)),
  };
}

/** An error body in the API's one shape. */
export function apiError(status: number, code: string, message: string, details?: unknown): HttpReply {
  return { status, body: { error: { code, message, ...(details === undefined ? {} : { details }) } } };
}
