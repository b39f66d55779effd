/** Test helpers for the owner's dashboard: the server's answers, and the dashboard mounted at a path. */
import { act, render } from '@testing-library/react';
import { StrictMode } from 'react';
import { Route, Router } from 'wouter';
import { memoryLocation } from 'wouter/memory-location';
import { apiError, mockFetch, type Route as FetchRoute } from '../../testing/fetchMock';
import { LocationProbe } from '../../testing/render';
import type { AdminOrder, OrderRow, Session, StockRow } from './api';
import AdminApp from './AdminApp';

export const OWNER = 'owner@example.com';
export const CSRF = 'csrf-token-0123456789';
export const SESSION_PATH = '/api/admin/session';

export const session: Session = {
  owner: { email: OWNER },
  csrfToken: CSRF,
  expiresAt: '2026-12-15T21:30:00Z',
  idleExpiresAt: '2026-12-15T10:00:00Z',
};

export const NOT_SIGNED_IN = apiError(401, 'not_signed_in', 'Sign in to continue.');

/** The dashboard's server: GET /api/admin/session answers `signedIn` ? the session : 401, then `routes`. */
export function serveAdmin(routes: FetchRoute[], { signedIn = true }: { signedIn?: boolean } = {}) {
  return mockFetch([
    { path: SESSION_PATH, reply: signedIn ? { body: session } : NOT_SIGNED_IN },
    ...routes,
  ]);
}

/**
 * The dashboard at `route` (an absolute path, /admin/...), nested as the app nests it, with
 * the history of addresses it went through (a replaced entry is replaced there too) and `go`,
 * which moves the address as Back or a typed address would.
 */
export function renderAdmin(route: string) {
  const location = memoryLocation({ path: route, record: true });
  // In StrictMode, as main.tsx renders the app: effects run twice on mount.
  const rendered = render(
    <StrictMode>
      <Router hook={location.hook}>
        <Route path="/admin" nest>
          <AdminApp />
        </Route>
        <LocationProbe />
      </Router>
    </StrictMode>,
  );
  return {
    ...rendered,
    history: location.history,
    go: (to: string) =>
      act(async () => {
        location.navigate(to);
        await Promise.resolve();
      }),
  };
}

export function orderRow(overrides: Partial<OrderRow> = {}): OrderRow {
  return {
    number: 'SP-7K3M9Q',
    createdAt: '2026-12-01T09:30:00Z',
    email: 'ada@example.com',
    total: 8249,
    currency: 'usd',
    status: 'paid',
    paymentMethod: 'Visa •••• 4242',
    shippedAt: null,
    ...overrides,
  };
}

/** Ada's paid order of two books (two copies and one), Express to California. */
export function adminOrder(overrides: Partial<AdminOrder> = {}): AdminOrder {
  return {
    number: 'SP-7K3M9Q',
    status: 'paid',
    mode: 'demo',
    paymentIntentId: 'pi_demo_123',
    email: 'ada@example.com',
    createdAt: '2026-12-01T09:30:00Z',
    shipTo: {
      name: 'Ada Lovelace',
      line1: '354 Oyster Point Blvd',
      line2: null,
      city: 'South San Francisco',
      state: 'CA',
      postalCode: '94080',
      country: 'US',
      phone: null,
    },
    delivery: { method: 'express', label: 'Express', amount: 1499, minDays: 1, maxDays: 2 },
    lines: [
      { id: 'the-dream-machine', title: 'The Dream Machine', quantity: 2, unitAmount: 3000, lineTotal: 6000 },
      { id: 'working-in-public', title: 'Working in Public', quantity: 1, unitAmount: 2000, lineTotal: 2000 },
    ],
    subtotal: 8000,
    shippingAmount: 1499,
    taxAmount: 750,
    total: 10249,
    currency: 'usd',
    paidAmount: 10249,
    paidAt: '2026-12-01T09:31:00Z',
    paymentMethod: 'Visa •••• 4242',
    heldUntil: null,
    holdActive: false,
    stockTaken: true,
    failureMessage: null,
    refund: null,
    reviewReason: null,
    deadJobs: [],
    shipment: null,
    timeline: [
      { at: '2026-12-01T09:30:00Z', kind: 'created', detail: 'Pay pressed' },
      { at: '2026-12-01T09:31:00Z', kind: 'payment_intent.succeeded', detail: '' },
    ],
    ...overrides,
  };
}

export function stockRow(overrides: Partial<StockRow> = {}): StockRow {
  return {
    id: 'the-dream-machine',
    title: 'The Dream Machine',
    onSale: true,
    onShelf: 12,
    held: 2,
    available: 10,
    lowStockThreshold: 3,
    ...overrides,
  };
}
