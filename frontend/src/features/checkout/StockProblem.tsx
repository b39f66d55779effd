import { useCart } from '../cart/CartContext';
import { STOCK_PROBLEM_ID, type StockShortage } from './stockShortage';

function copies(count: number): string {
  return count === 1 ? '1 copy' : `${count} copies`;
}

/** "sold out (you asked for 1 copy)", "only 2 left (you asked for 5 copies)". */
function shortBy(item: StockShortage): string {
  const left = item.available === 0 ? 'sold out' : `only ${item.available} left`;
  return `${left} (you asked for ${copies(item.requested)})`;
}

interface StockProblemProps {
  shortages: StockShortage[];
  /** After the cart changed, where focus goes (the button it was on is gone). */
  onFixed: () => void;
}

/**
 * The server's 409 `insufficient_stock`, beside the order summary: each title short and how
 * many copies are left, and one button that changes the cart to them (sold-out titles
 * removed), after which checkout quotes again. Pay waits meanwhile.
 */
export function StockProblem({ shortages, onFixed }: StockProblemProps) {
  const { fitToStock } = useCart();
  const gone = shortages.filter((item) => item.available === 0).length;
  const allGone = gone === shortages.length;
  let advice = 'Change your cart to the copies left, then pay.';
  if (allGone) advice = gone === 1 ? 'Remove it from your cart to go on.' : 'Remove them from your cart to go on.';
  else if (gone > 0) advice = 'Change your cart to the copies left (sold-out titles are removed), then pay.';
  let action = 'Change my cart to the copies left';
  if (allGone) action = gone === 1 ? 'Remove it from my cart' : 'Remove them from my cart';
  return (
    <div
      id={STOCK_PROBLEM_ID}
      className="state state--error stock-problem"
      role="alert"
      aria-labelledby={`${STOCK_PROBLEM_ID}-title`}
      tabIndex={-1}
    >
      <h2 id={`${STOCK_PROBLEM_ID}-title`} className="state__title">
        Not enough copies
      </h2>
      <ul className="stock-problem__list">
        {shortages.map((item) => (
          <li key={item.id}>
            <span className="stock-problem__title">{item.title}</span>: {shortBy(item)}
          </li>
        ))}
      </ul>
      <p>{advice}</p>
      <button
        type="button"
        className="button button--secondary"
        onClick={() => {
          fitToStock(shortages.map(({ id, title, available }) => ({ id, title, available })));
          onFixed();
        }}
      >
        {action}
      </button>
    </div>
  );
}
