import { useState } from 'react';
import { ErrorState } from '../../../components/ErrorState';
import { LoadingState } from '../../../components/LoadingState';
import { useResource } from '../../../lib/useResource';
import type { StockRow } from '../api';
import { useAdminApi } from '../session/AdminSession';
import { TableScroll } from '../ui/TableScroll';
import { ShelfCountDialog, ThresholdDialog } from './StockDialogs';

/** Whether the title's available copies are at or below its low-stock threshold. */
function isLow(row: StockRow): boolean {
  return row.lowStockThreshold !== null && row.available <= row.lowStockThreshold;
}

type Editing = { kind: 'shelf' | 'threshold'; row: StockRow };

/** /admin/stock: every title's copies (on the shelf, held, available), its count and threshold to change. */
export function StockPage() {
  const api = useAdminApi();
  const { state, reload } = useResource('stock', () => api.stock());
  // Rows the owner changed, as the server answered them, until the next load.
  const [changed, setChanged] = useState<Record<string, StockRow>>({});
  const [editing, setEditing] = useState<Editing | null>(null);
  const [message, setMessage] = useState('');

  const saved = (row: StockRow, words: string) => {
    setChanged((now) => ({ ...now, [row.id]: row }));
    setEditing(null);
    setMessage(words);
  };

  return (
    <section className="page admin-page" aria-labelledby="stock-title">
      <h1 id="stock-title" className="page__title">
        Stock
      </h1>
      <p className="admin-message" role="status">
        {message}
      </p>
      {state.status === 'loading' && <LoadingState label="Loading the stock…" />}
      {state.status === 'error' && <ErrorState title="We couldn't load the stock" error={state.error} onRetry={reload} />}
      {state.status === 'success' && state.data.books.length === 0 && <p>The shop has no titles yet.</p>}
      {state.status === 'success' && state.data.books.length > 0 && (
        <TableScroll label="Stock">
          <table className="admin-table">
            <caption className="visually-hidden">Copies of each title</caption>
            <thead>
              <tr>
                <th scope="col">Title</th>
                <th scope="col" className="admin-table__number">
                  On the shelf
                </th>
                <th scope="col" className="admin-table__number">
                  Held
                </th>
                <th scope="col" className="admin-table__number">
                  Available
                </th>
                <th scope="col" className="admin-table__number">
                  Low-stock threshold
                </th>
                <th scope="col">
                  <span className="visually-hidden">Changes</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {state.data.books.map((original) => {
                const row = changed[original.id] ?? original;
                const low = isLow(row);
                return (
                  <tr key={row.id} className={low ? 'admin-table__row--low' : undefined}>
                    <th scope="row">
                      {row.title}
                      {!row.onSale && <span className="admin-tag">Not on sale</span>}
                    </th>
                    <td className="admin-table__number">{row.onShelf}</td>
                    <td className="admin-table__number">{row.held}</td>
                    <td className="admin-table__number">
                      {row.available}
                      {low && <span className="admin-tag admin-tag--low">Low</span>}
                    </td>
                    <td className="admin-table__number">{row.lowStockThreshold ?? 'None'}</td>
                    <td className="admin-table__actions">
                      <button
                        type="button"
                        className="button button--secondary admin-table__button"
                        aria-label={`Change count of ${row.title}`}
                        onClick={() => setEditing({ kind: 'shelf', row })}
                      >
                        Change count
                      </button>
                      <button
                        type="button"
                        className="button button--secondary admin-table__button"
                        aria-label={`Set threshold for ${row.title}`}
                        onClick={() => setEditing({ kind: 'threshold', row })}
                      >
                        Set threshold
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </TableScroll>
      )}
      {editing?.kind === 'shelf' && (
        <ShelfCountDialog
          row={editing.row}
          onClose={() => setEditing(null)}
          onSaved={(row) => saved(row, `${row.title}: ${row.onShelf} on the shelf, ${row.available} available.`)}
        />
      )}
      {editing?.kind === 'threshold' && (
        <ThresholdDialog
          row={editing.row}
          onClose={() => setEditing(null)}
          onSaved={(row) =>
            saved(
              row,
              row.lowStockThreshold === null
                ? `${row.title}: no low-stock email.`
                : `${row.title}: the owners are emailed when ${row.lowStockThreshold} or fewer are available.`,
            )
          }
        />
      )}
    </section>
  );
}
