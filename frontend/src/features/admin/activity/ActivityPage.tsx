import { useState } from 'react';
import { ErrorState } from '../../../components/ErrorState';
import { LoadingState } from '../../../components/LoadingState';
import { useResource } from '../../../lib/useResource';
import type { ActivityPage as Page } from '../api';
import { useAdminApi } from '../session/AdminSession';
import { formatDateTime } from '../ui/format';
import { TableScroll } from '../ui/TableScroll';

// The server's action names in words; one it adds later shows as it is named.
const ACTIONS: Record<string, string> = {
  sign_in: 'Signed in',
  sign_in_failed: 'Sign-in failed',
  sign_out: 'Signed out',
  sign_out_everywhere: 'Signed out everywhere',
  enrolled: 'Set up their account',
  owner_added: 'Owner added',
  owner_removed: 'Owner removed',
  owner_reset: 'Owner reset',
  order_shipped: 'Marked an order shipped',
  order_note: 'Added a note to an order',
  order_resolved: 'Resolved an order under review',
  order_refund_requested: 'Refunded an order',
  stock_counted: 'Changed a shelf count',
  stock_threshold_set: 'Set a low-stock threshold',
};

function actionWords(action: string): string {
  return Object.hasOwn(ACTIONS, action) ? ACTIONS[action]! : action;
}

/** /admin/activity: every sign-in (failed ones too, with the client's address) and every owner action, newest first. */
export function ActivityPage() {
  const api = useAdminApi();
  // The page being asked for: null for the newest, else the `before` of the older page.
  const [cursor, setCursor] = useState<number | null>(null);
  const { state, reload } = useResource(`activity:${cursor ?? 'newest'}`, () => api.activity(cursor));
  // Every page loaded so far, oldest request first (the newest entries at the top).
  const [pages, setPages] = useState<{ cursor: number | null; page: Page }[]>([]);
  if (state.status === 'success' && !pages.some((loaded) => loaded.cursor === cursor)) {
    setPages([...pages, { cursor, page: state.data }]);
  }
  const entries = pages.flatMap((loaded) => loaded.page.entries);
  const nextBefore = pages.at(-1)?.page.nextBefore ?? null;
  const loading = state.status === 'loading';

  return (
    <section className="page admin-page" aria-labelledby="activity-title">
      <h1 id="activity-title" className="page__title">
        Activity
      </h1>
      <p className="lede">Who did what and when: every sign-in, failed ones too, and every change an owner made.</p>
      {pages.length > 0 && entries.length === 0 && <p>Nothing has happened yet.</p>}
      {entries.length > 0 && (
        <TableScroll label="Activity" busy={loading}>
          <table className="admin-table">
            <caption className="visually-hidden">Activity, newest first</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">What</th>
                <th scope="col">Who</th>
                <th scope="col">From</th>
                <th scope="col">Detail</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((entry) => (
                <tr key={entry.id} className={entry.action === 'sign_in_failed' ? 'admin-table__row--warn' : undefined}>
                  <td>
                    <time dateTime={entry.at}>{formatDateTime(entry.at)}</time>
                  </td>
                  <th scope="row">{actionWords(entry.action)}</th>
                  <td className="admin-table__email">{entry.email ?? '—'}</td>
                  <td>{entry.clientAddress ?? 'Command line'}</td>
                  <td>{entry.detail || '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      {loading && <LoadingState label={pages.length === 0 ? 'Loading the activity…' : 'Loading older entries…'} />}
      {state.status === 'error' && (
        <ErrorState
          title={pages.length === 0 ? "We couldn't load the activity" : "We couldn't load older entries"}
          error={state.error}
          onRetry={reload}
        />
      )}
      {pages.length > 0 && (nextBefore !== null || cursor !== null) && (
        <p>
          <button
            type="button"
            className="button button--secondary"
            aria-disabled={loading || nextBefore === null ? true : undefined}
            onClick={() => {
              if (!loading && nextBefore !== null) setCursor(nextBefore);
            }}
          >
            {nextBefore === null ? 'No older entries' : 'Show older entries'}
          </button>
        </p>
      )}
    </section>
  );
}
