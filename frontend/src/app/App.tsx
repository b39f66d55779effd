import { ErrorBoundary } from './ErrorBoundary';
import { AppProviders } from './providers';
import { AppRoutes } from './routes';

/**
 * The shop. Routes follow the browser's address bar (wouter's default location). A page's
 * failure is caught around the routes, inside the shell; this boundary catches the rest.
 */
export function App() {
  return (
    <ErrorBoundary>
      <AppProviders>
        <AppRoutes />
      </AppProviders>
    </ErrorBoundary>
  );
}
