import { createContext, useContext } from 'react';
import type { Config } from '../lib/api';

export const ConfigContext = createContext<Config | null>(null);

/** The server's /config; only available below <ConfigProvider>, once it has loaded. */
export function useConfig(): Config {
  const config = useContext(ConfigContext);
  if (!config) throw new Error('useConfig must be used inside <ConfigProvider>');
  return config;
}
