import type { ReactNode } from 'react';
import { ErrorState } from '../components/ErrorState';
import { LoadingState } from '../components/LoadingState';
import { useResource } from '../lib/useResource';
import { getConfig } from './api';
import { ConfigContext } from './ConfigContext';

/** Fetches /config once; renders the app only when it is known. */
export function ConfigProvider({ children }: { children: ReactNode }) {
  const { state, reload } = useResource('config', getConfig);

  if (state.status === 'loading') {
    return <LoadingState label="Opening the shop…" />;
  }
  if (state.status === 'error') {
    return <ErrorState title="The shop didn't open" error={state.error} onRetry={reload} />;
  }
  return <ConfigContext.Provider value={state.data}>{children}</ConfigContext.Provider>;
}
