import { lazy, Suspense } from 'react';
import { Route, Switch } from 'wouter';
import { LoadingState } from '../components/LoadingState';
import { ErrorBoundary } from './ErrorBoundary';
import { AppProviders } from './providers';
import { AppRoutes, loaded } from './routes';

// The owner's dashboard: its own chunk, outside the shop's providers and chrome.
const AdminApp = lazy(() => import('../features/admin/AdminApp').then(loaded));

/**
 * The shop, and the owner's dashboard under /admin. Routes follow the browser's address bar
 * (wouter's default location). A page's failure is caught around the routes, inside the shell;
 * this boundary catches the rest (a dashboard chunk that fails to load too).
 */
export function App() {
  return (
    <ErrorBoundary>
      <Switch>
        <Route path="/admin" nest>
          <Suspense fallback={<LoadingState label="Loading…" />}>
            <AdminApp />
          </Suspense>
        </Route>
        <Route>
          <AppProviders>
            <AppRoutes />
          </AppProviders>
        </Route>
      </Switch>
    </ErrorBoundary>
  );
}
