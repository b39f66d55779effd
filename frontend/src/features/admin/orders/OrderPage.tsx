import { useState } from 'react';
import { Link } from 'wouter';
import { ErrorState } from '../../../components/ErrorState';
import { LoadingState } from '../../../components/LoadingState';
import { isApiError } from '../../../lib/api';
import { formatMoney } from '../../../lib/money';
import { useResource } from '../../../lib/useResource';
import type { AdminOrder, Refund } from '../api';
import { useAdminApi } from '../session/AdminSession';
import { useLatestData } from '../ui/useLatestData';
import { NoteForm } from './NoteForm';
import { OrderFacts, OrderLinesTable, RefundsList, Timeline } from './OrderFacts';
import { RefundDialog } from './RefundDialog';
import { ResolveDialog } from './ResolveDialog';
import { ShipDialog } from './ShipDialog';

type DialogName = 'refund' | 'ship' | 'resolve';

/** The order's refunds, loaded beside it; refreshed after a refund. */
function RefundsSection({ number, currency, version }: { number: string; currency: string; version: number }) {
  const api = useAdminApi();
  const { state, reload } = useResource(`refunds:${number}:${version}`, () => api.refunds(number));
  const data = useLatestData(state);
  return (
    <section className="admin-section" aria-labelledby="order-refunds-title">
      <h2 id="order-refunds-title" className="section-title">
        Partial refunds
      </h2>
      {state.status === 'error' ? (
        <ErrorState title="We couldn't load the refunds" error={state.error} onRetry={reload} />
      ) : data ? (
        <RefundsList refunds={data.refunds} currency={currency} />
      ) : (
        <LoadingState label="Loading refunds…" />
      )}
    </section>
  );
}

/**
 * /admin/orders/:number: everything about the order and its timeline, and what the owner can
 * do to it: refund (part or all), mark as shipped, resolve a review, add a note. Each action
 * says what happened in a status message; the order shown is the one the server answers.
 */
export function OrderPage({ number }: { number: string }) {
  const api = useAdminApi();
  const [version, setVersion] = useState(0);
  const { state, reload } = useResource(`order:${number}:${version}`, () => api.order(number));
  const loaded = useLatestData(state);
  // An action's answer (the order as it is now) until the next load.
  const [answered, setAnswered] = useState<{ version: number; order: AdminOrder } | null>(null);
  const order = answered?.version === version ? answered.order : loaded;
  const [dialog, setDialog] = useState<DialogName | null>(null);
  const [message, setMessage] = useState('');

  const changed = (next: AdminOrder, words: string) => {
    setAnswered({ version, order: next });
    setDialog(null);
    setMessage(words);
  };

  const refunded = (refund: Refund) => {
    setDialog(null);
    setMessage(
      `Refund of ${formatMoney(refund.amount, refund.currency)} asked for: the gateway gets it in a moment${
        refund.notify ? ', and the customer is emailed once it has gone through' : ''
      }.`,
    );
    // The order's status and refunds change with it: load both again.
    setVersion((n) => n + 1);
  };

  const notFound = state.status === 'error' && isApiError(state.error) && state.error.status === 404;
  return (
    <section className="page admin-page" aria-labelledby="order-title">
      <p className="admin-back">
        <Link to="/orders">All orders</Link>
      </p>
      <h1 id="order-title" className="page__title">
        Order {number}
      </h1>
      <p className="admin-message" role="status">
        {message}
      </p>
      {state.status === 'error' && (
        <ErrorState
          title={notFound ? 'No such order' : "We couldn't load the order"}
          error={state.error}
          onRetry={notFound ? undefined : reload}
        />
      )}
      {!order && state.status === 'loading' && <LoadingState label="Loading the order…" />}
      {order && state.status !== 'error' && (
        <>
          <div className="admin-actions">
            {(order.status === 'paid' || order.status === 'partially_refunded') && (
              <button type="button" className="button button--secondary" onClick={() => setDialog('refund')}>
                Refund…
              </button>
            )}
            {order.status === 'paid' && !order.shipment && (
              <button type="button" className="button button--primary" onClick={() => setDialog('ship')}>
                Mark as shipped…
              </button>
            )}
            {order.status === 'review' && (
              <button type="button" className="button button--primary" onClick={() => setDialog('resolve')}>
                Resolve the review…
              </button>
            )}
          </div>
          <OrderFacts order={order} />
          <OrderLinesTable order={order} />
          <RefundsSection number={number} currency={order.currency} version={version} />
          {order.deadJobs.length > 0 && (
            <section className="admin-section" aria-labelledby="order-dead-title">
              <h2 id="order-dead-title" className="section-title">
                Work the worker gave up on
              </h2>
              <ul>
                {order.deadJobs.map((job) => (
                  <li key={job.id}>
                    <code>{job.kind}</code> (job {job.id}){job.lastError ? `: ${job.lastError}` : ''}
                  </li>
                ))}
              </ul>
            </section>
          )}
          <section className="admin-section" aria-labelledby="order-timeline-title">
            <h2 id="order-timeline-title" className="section-title">
              Timeline
            </h2>
            <Timeline entries={order.timeline} />
            <NoteForm number={number} onAdded={(next) => changed(next, 'Note added to the timeline.')} />
          </section>
          {dialog === 'refund' && (
            <RefundDialog number={number} currency={order.currency} onClose={() => setDialog(null)} onRefunded={refunded} />
          )}
          {dialog === 'ship' && (
            <ShipDialog
              number={number}
              onClose={() => setDialog(null)}
              onShipped={(next) => changed(next, 'Marked as shipped: the customer is emailed the tracking link.')}
            />
          )}
          {dialog === 'resolve' && (
            <ResolveDialog
              order={order}
              onClose={() => setDialog(null)}
              onResolved={(next, outcome) =>
                changed(
                  next,
                  outcome === 'paid'
                    ? 'Payment accepted: the order is paid.'
                    : 'Refund asked for: the whole payment goes back to the customer.',
                )
              }
            />
          )}
        </>
      )}
    </section>
  );
}
