import type { ReactNode } from 'react';
import { Redirect, Route, Switch } from 'wouter';
import { PageTitle } from '../../components/PageTitle';
import { ActivityPage } from './activity/ActivityPage';
import { OrderPage } from './orders/OrderPage';
import { OrdersPage } from './orders/OrdersPage';
import { AdminSessionProvider } from './session/AdminSession';
import { EnrolPage } from './session/EnrolPage';
import { RequireSession } from './session/RequireSession';
import { HOME_PATH, SignInPage } from './session/SignInPage';
import { AdminFrame } from './shell/AdminFrame';
import { StockPage } from './stock/StockPage';
import './admin.css';

/** A dashboard page: its tab title, and the session it needs (all but sign-in and enrolment). */
function Page({ title, open = false, children }: { title: string; open?: boolean; children: ReactNode }) {
  return (
    <>
      <PageTitle title={`${title} · Owner's dashboard`} />
      {open ? children : <RequireSession>{children}</RequireSession>}
    </>
  );
}

function NotFound() {
  return (
    <section className="page">
      <h1 className="page__title">Page not found</h1>
      <p>The dashboard has no page at this address.</p>
    </section>
  );
}

/**
 * The owner's dashboard at /admin (a router nested there: paths below are relative to it).
 * Its own chunk, loaded only when an /admin address is opened; none of it is in the shop's
 * JavaScript. Outside the shop's providers: it asks for no catalogue, cart or config.
 */
export default function AdminApp() {
  return (
    <AdminSessionProvider>
      <AdminFrame>
        <Switch>
          <Route path="/sign-in">
            <Page title="Sign in" open>
              <SignInPage />
            </Page>
          </Route>
          <Route path="/enrol">
            <Page title="Set up your account" open>
              <EnrolPage />
            </Page>
          </Route>
          <Route path="/">
            <Redirect to={HOME_PATH} replace />
          </Route>
          <Route path="/orders">
            <Page title="Orders">
              <OrdersPage />
            </Page>
          </Route>
          <Route path="/orders/:number">
            {({ number }) => (
              <Page title={`Order ${number}`}>
                <OrderPage key={number} number={number} />
              </Page>
            )}
          </Route>
          <Route path="/stock">
            <Page title="Stock">
              <StockPage />
            </Page>
          </Route>
          <Route path="/activity">
            <Page title="Activity">
              <ActivityPage />
            </Page>
          </Route>
          <Route>
            <Page title="Page not found" open>
              <NotFound />
            </Page>
          </Route>
        </Switch>
      </AdminFrame>
    </AdminSessionProvider>
  );
}
