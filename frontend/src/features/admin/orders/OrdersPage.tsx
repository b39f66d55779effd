import { useState, type FormEvent } from 'react';
import { Link } from 'wouter';
import { ErrorState } from '../../../components/ErrorState';
import { LoadingState } from '../../../components/LoadingState';
import { formatMoney } from '../../../lib/money';
import { useResource } from '../../../lib/useResource';
import type { OrderList, OrderStatus } from '../api';
import { useAdminApi, useSessionMemory } from '../session/AdminSession';
import { Field } from '../ui/Field';
import { formatDate, formatDateTime } from '../ui/format';
import { TableScroll } from '../ui/TableScroll';
import { useLatestData } from '../ui/useLatestData';
import { isOrderStatus, STATUSES, STATUS_WORDS } from './statusWords';

export interface OrderFilters {
  q: string;
  status: OrderStatus | '';
  from: string;
  to: string;
}

const NO_FILTERS: OrderFilters = { q: '', status: '', from: '', to: '' };

/** The list's query as the server reads it: only what is set. */
function queryOf(filters: OrderFilters, page: number): Record<string, string> {
  const query: Record<string, string> = { page: String(page) };
  if (filters.q.trim()) query.q = filters.q.trim();
  if (filters.status) query.status = filters.status;
  if (filters.from) query.from = filters.from;
  if (filters.to) query.to = filters.to;
  return query;
}

function FiltersForm({ applied, onApply }: { applied: OrderFilters; onApply: (filters: OrderFilters) => void }) {
  const [draft, setDraft] = useState(applied);
  const [datesError, setDatesError] = useState<string | null>(null);
  const set = (change: Partial<OrderFilters>) => setDraft((current) => ({ ...current, ...change }));

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    // Dates as the browser's date field writes them (YYYY-MM-DD) compare as text.
    if (draft.from && draft.to && draft.from > draft.to) {
      setDatesError('The "from" day is after the "to" day.');
      return;
    }
    setDatesError(null);
    onApply(draft);
  };

  return (
    <form className="admin-filters" role="search" aria-label="Orders" noValidate onSubmit={onSubmit}>
      <Field label="Order number or email" className="admin-filters__search">
        {(control) => (
          <input
            {...control}
            className="admin-input"
            type="search"
            name="q"
            autoComplete="off"
            spellCheck={false}
            value={draft.q}
            onChange={(event) => set({ q: event.target.value })}
          />
        )}
      </Field>
      <Field label="Status">
        {(control) => (
          <select
            {...control}
            className="admin-input"
            name="status"
            value={draft.status}
            onChange={(event) => set({ status: isOrderStatus(event.target.value) ? event.target.value : '' })}
          >
            <option value="">Any status</option>
            {STATUSES.map((status) => (
              <option key={status} value={status}>
                {STATUS_WORDS[status]}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Placed from" hint="Day, UTC" error={datesError}>
        {(control) => (
          <input
            {...control}
            className="admin-input"
            type="date"
            name="from"
            value={draft.from}
            onChange={(event) => set({ from: event.target.value })}
          />
        )}
      </Field>
      <Field label="Placed to" hint="Day, UTC">
        {(control) => (
          <input
            {...control}
            className="admin-input"
            type="date"
            name="to"
            value={draft.to}
            onChange={(event) => set({ to: event.target.value })}
          />
        )}
      </Field>
      <div className="admin-filters__buttons">
        <button type="submit" className="button button--primary">
          Search
        </button>
        <button
          type="button"
          className="button button--secondary"
          onClick={() => {
            setDraft(NO_FILTERS);
            setDatesError(null);
            onApply(NO_FILTERS);
          }}
        >
          Clear
        </button>
      </div>
    </form>
  );
}

function OrdersTable({ list, busy }: { list: OrderList; busy: boolean }) {
  return (
    <TableScroll label="Orders" busy={busy}>
      <table className="admin-table">
        <caption className="visually-hidden">Orders, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Order</th>
            <th scope="col">Placed</th>
            <th scope="col">Email</th>
            <th scope="col" className="admin-table__number">
              Total
            </th>
            <th scope="col">Status</th>
            <th scope="col">Payment</th>
            <th scope="col">Shipped</th>
          </tr>
        </thead>
        <tbody>
          {list.orders.map((order) => (
            <tr key={order.number}>
              <th scope="row">
                <Link to={`/orders/${encodeURIComponent(order.number)}`}>{order.number}</Link>
              </th>
              <td>
                <time dateTime={order.createdAt}>{formatDateTime(order.createdAt)}</time>
              </td>
              <td className="admin-table__email">{order.email ?? '—'}</td>
              <td className="admin-table__number">{formatMoney(order.total, order.currency)}</td>
              <td>{STATUS_WORDS[order.status]}</td>
              <td>{order.paymentMethod ?? '—'}</td>
              <td>{order.shippedAt ? <time dateTime={order.shippedAt}>{formatDate(order.shippedAt)}</time> : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}

interface PagesProps {
  list: OrderList;
  /** The page asked for (the list may still show the one before while it loads). */
  page: number;
  onPage: (page: number) => void;
}

function Pages({ list, page, onPage }: PagesProps) {
  const pages = Math.max(1, Math.ceil(list.total / list.pageSize));
  if (pages === 1) return null;
  // aria-disabled rather than disabled: the button just pressed keeps focus at either end.
  const button = (label: string, to: number, possible: boolean) => (
    <button
      type="button"
      className="button button--secondary"
      aria-disabled={possible ? undefined : true}
      onClick={() => {
        if (possible) onPage(to);
      }}
    >
      {label}
    </button>
  );
  return (
    <nav className="admin-pages" aria-label="Pages of orders">
      {button('Newer', page - 1, page > 1)}
      <span>
        Page {page} of {pages}
      </span>
      {button('Older', page + 1, page < pages)}
    </nav>
  );
}

/** /admin/orders: newest first, a page at a time; searched by number or email, filtered by status and day. */
export function OrdersPage() {
  const api = useAdminApi();
  // Kept for the rest of the session, so coming back from an order finds the same list.
  const [view, setView] = useSessionMemory('orders', { filters: NO_FILTERS, page: 1 });
  const query = queryOf(view.filters, view.page);
  const key = new URLSearchParams(query).toString();
  const { state, reload } = useResource(key, () => api.orders(query));
  const list = useLatestData(state);
  const filtered = Object.keys(query).length > 1;
  const loading = state.status === 'loading';

  return (
    <section className="page admin-page" aria-labelledby="orders-title">
      <h1 id="orders-title" className="page__title">
        Orders
      </h1>
      <FiltersForm applied={view.filters} onApply={(filters) => setView({ filters, page: 1 })} />
      {loading && <LoadingState label="Loading orders…" />}
      {state.status === 'error' && <ErrorState title="We couldn't load the orders" error={state.error} onRetry={reload} />}
      {list && state.status !== 'error' && (
        <>
          {!loading && (
            <p className="admin-count" role="status">
              {list.total === 0
                ? filtered
                  ? 'No orders match these filters.'
                  : 'No orders yet.'
                : `${list.total} ${list.total === 1 ? 'order' : 'orders'}${filtered ? ' found' : ''}.`}
            </p>
          )}
          {list.orders.length > 0 && <OrdersTable list={list} busy={loading} />}
          <Pages list={list} page={view.page} onPage={(page) => setView({ ...view, page })} />
        </>
      )}
    </section>
  );
}
