import { lazy, Suspense, type ReactNode } from 'react';
import { Link, Route, Switch } from 'wouter';
import { LoadingState } from '../components/LoadingState';
import { PageTitle } from '../components/PageTitle';
import { ShopPage } from '../features/catalog/ShopPage';
import { AppShell } from './AppShell';
import { ORDER_LOOKUP_PATH } from './Header';
import { chunkLoaded } from './staleBuild';

/** A lazily loaded page's module, noting that its chunk loaded (see staleBuild). */
export function loaded<T>(module: T): T {
  chunkLoaded();
  return module;
}

// Checkout and success pull in Stripe's libraries; they load only when visited, as do
// "Find your order", which few visits need, and a book's page, which the shop's first render
// does not need (the JavaScript before it is budgeted).
const BookPage = lazy(() =>
  import('../features/catalog/BookPage').then((module) => ({ default: loaded(module).BookPage })),
);
const CheckoutPage = lazy(() => import('../features/checkout/CheckoutPage').then(loaded));
const SuccessPage = lazy(() => import('../features/success/SuccessPage').then(loaded));
const OrderLookupPage = lazy(() => import('../features/order-lookup/OrderLookupPage').then(loaded));

/**
 * One page: its tab title, set at once, while its chunk may still be loading. A page without
 * a title here sets its own (a book's page names the book).
 */
function Page({ title, children }: { title?: string; children: ReactNode }) {
  return (
    <>
      {title && <PageTitle title={title} />}
      <Suspense fallback={<LoadingState label="Loading…" />}>{children}</Suspense>
    </>
  );
}

function NotFoundPage() {
  return (
    <section className="page state">
      <h1 className="page__title" tabIndex={-1}>
        Page not found
      </h1>
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
          <Page title="Ideas for progress">
            <ShopPage />
          </Page>
        </Route>
        <Route path="/books/:id">
          {({ id }) => (
            <Page>
              <BookPage id={id} />
            </Page>
          )}
        </Route>
        <Route path="/checkout">
          <Page title="Checkout">
            <CheckoutPage />
          </Page>
        </Route>
        <Route path="/success">
          <Page title="Your order">
            <SuccessPage />
          </Page>
        </Route>
        <Route path={ORDER_LOOKUP_PATH}>
          <Page title="Find your order">
            <OrderLookupPage />
          </Page>
        </Route>
        <Route>
          <Page title="Page not found">
            <NotFoundPage />
          </Page>
        </Route>
      </Switch>
    </AppShell>
  );
}
