import { lazy } from 'react';
import { Link, Route, Switch } from 'wouter';
import { BookPage } from '../features/catalog/BookPage';
import { ShopPage } from '../features/catalog/ShopPage';
import { AppShell } from './AppShell';
import { ORDER_LOOKUP_PATH } from './Header';

// Checkout and success pull in Stripe's libraries; they load only when visited, as does
// "Find your order", which few visits need.
const CheckoutPage = lazy(() => import('../features/checkout/CheckoutPage'));
const SuccessPage = lazy(() => import('../features/success/SuccessPage'));
const OrderLookupPage = lazy(() => import('../features/order-lookup/OrderLookupPage'));

function NotFoundPage() {
  return (
    <section className="page state">
      <h1 className="page__title">Page not found</h1>
      <Link to="/" className="button button--secondary">
        Back to the shop
      </Link>
    </section>
  );
}

/** Every page inside the shell; the first matching route wins, the last one matches any path. */
export function AppRoutes() {
  return (
    <AppShell>
      <Switch>
        <Route path="/">
          <ShopPage />
        </Route>
        <Route path="/books/:id">{({ id }) => <BookPage id={id} />}</Route>
        <Route path="/checkout">
          <CheckoutPage />
        </Route>
        <Route path="/success">
          <SuccessPage />
        </Route>
        <Route path={ORDER_LOOKUP_PATH}>
          <OrderLookupPage />
        </Route>
        <Route>
          <NotFoundPage />
        </Route>
      </Switch>
    </AppShell>
  );
}
