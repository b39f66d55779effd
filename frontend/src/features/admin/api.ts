/**
 * The owner's dashboard API (/api/admin), through the app's one client (lib/api.ts). Shapes
 * come from the generated types; every change carries the session's CSRF token.
 */
import { apiRequest, isApiError, type ApiError } from '../../lib/api';
import type { components, operations } from '../../lib/api-types';

type Schemas = components['schemas'];

export type Session = Schemas['SessionResponse'];
export type Authenticator = Schemas['AuthenticatorResponse'];
export type RecoveryCodes = Schemas['RecoveryCodesResponse'];
export type SignInBody = Schemas['SignInRequest'];
export type EnrolmentFinishBody = Schemas['EnrolmentFinishRequest'];
export type SessionsEnded = Schemas['SessionsEndedResponse'];
export type ActivityPage = Schemas['ActivityResponse'];
export type ActivityEntry = ActivityPage['entries'][number];
export type OrderList = Schemas['OrderListResponse'];
export type OrderRow = OrderList['orders'][number];
export type OrderStatus = Schemas['OrderStatus'];
export type AdminOrder = Schemas['OrderViewResponse'];
export type TimelineEntry = AdminOrder['timeline'][number];
export type ShipmentBody = Schemas['ShipmentRequest'];
export type Carrier = ShipmentBody['carrier'];
export type ResolveBody = Schemas['ResolveRequest'];
export type NoteBody = Schemas['NoteRequest'];
export type Refunds = Schemas['RefundsResponse'];
export type Refund = Refunds['refunds'][number];
export type Refundable = Refunds['refundable'];
export type RefundBody = Schemas['RefundRequest'];
export type RefundCreated = Schemas['RefundCreatedResponse'];
export type StockList = Schemas['StockListResponse'];
export type StockRow = StockList['books'][number];
export type ShelfCountBody = Schemas['ShelfCountRequest'];
export type ThresholdBody = Schemas['ThresholdRequest'];
/** The orders list's query as the server reads it (`from`, `to`, `pageSize`...). */
export type OrdersQuery = NonNullable<operations['get_api_admin_orders']['parameters']['query']>;

const ADMIN = '/api/admin';
export const CSRF_HEADER = 'X-CSRF-Token';

/** Whether the server says there is no session (never was, ended, or signed out elsewhere). */
export function isSignedOut(error: unknown): error is ApiError {
  return isApiError(error) && error.status === 401 && error.code === 'not_signed_in';
}

/** The public calls: nobody has a session before enrolling or signing in. */
export const publicAdminApi = {
  startEnrolment: (token: string) => apiRequest<Authenticator>(`${ADMIN}/enrolment/start`, { body: { token } }),
  finishEnrolment: (body: EnrolmentFinishBody) =>
    apiRequest<RecoveryCodes>(`${ADMIN}/enrolment/finish`, { body }),
  signIn: (body: SignInBody) => apiRequest<Session>(`${ADMIN}/session`, { body }),
  currentSession: (signal?: AbortSignal) => apiRequest<Session>(`${ADMIN}/session`, { signal }),
};

/** What a signed-in call needs: the CSRF token, and a signal that aborts at sign-out. */
export interface Credentials {
  csrfToken: string;
  signal: AbortSignal;
}

/** Every call of a signed-in owner; `onSignedOut` runs when the server says the session is gone. */
export function createAdminApi({ csrfToken, signal }: Credentials, onSignedOut: () => void) {
  const call = async <T>(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    { body, query }: { body?: unknown; query?: Record<string, string> } = {},
  ): Promise<T> => {
    try {
      return await apiRequest<T>(`${ADMIN}${path}`, {
        method,
        body,
        query,
        signal,
        headers: method === 'GET' ? undefined : { [CSRF_HEADER]: csrfToken },
      });
    } catch (error) {
      if (isSignedOut(error)) onSignedOut();
      throw error;
    }
  };
  const order = (number: string) => `/orders/${encodeURIComponent(number)}`;
  const book = (id: string) => `/stock/${encodeURIComponent(id)}`;
  return {
    signOut: () => call<Schemas['SignedOutResponse']>('DELETE', '/session'),
    signOutEverywhere: () => call<SessionsEnded>('POST', '/sessions/revoke-all'),
    activity: (before: number | null) =>
      call<ActivityPage>('GET', '/activity', { query: before === null ? {} : { before: String(before) } }),
    orders: (query: Record<string, string>) => call<OrderList>('GET', '/orders', { query }),
    order: (number: string) => call<AdminOrder>('GET', order(number)),
    ship: (number: string, body: ShipmentBody) => call<AdminOrder>('POST', `${order(number)}/shipment`, { body }),
    addNote: (number: string, body: NoteBody) => call<AdminOrder>('POST', `${order(number)}/notes`, { body }),
    resolve: (number: string, body: ResolveBody) => call<AdminOrder>('POST', `${order(number)}/resolve`, { body }),
    refunds: (number: string) => call<Refunds>('GET', `${order(number)}/refunds`),
    refund: (number: string, body: RefundBody) => call<RefundCreated>('POST', `${order(number)}/refunds`, { body }),
    stock: () => call<StockList>('GET', '/stock'),
    countShelf: (id: string, body: ShelfCountBody) => call<StockRow>('PUT', book(id), { body }),
    setThreshold: (id: string, body: ThresholdBody) => call<StockRow>('PUT', `${book(id)}/threshold`, { body }),
  };
}

export type AdminApi = ReturnType<typeof createAdminApi>;
