import { AppProviders } from './providers';
import { AppRoutes } from './routes';

/** The shop. Routes follow the browser's address bar (wouter's default location). */
export function App() {
  return (
    <AppProviders>
      <AppRoutes />
    </AppProviders>
  );
}
