/// <reference types="vitest/config" />
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The SPA always calls these paths relative to its own origin; in development Vite
// forwards them to Flask, in production Flask serves the built files itself.
const API_PATHS = ['/api', '/config', '/create-payment-intent', '/webhook', '/demo'];

const apiTarget = process.env.BOOKSTORE_API_URL ?? 'http://127.0.0.1:4242';
const port = Number(process.env.FRONTEND_PORT ?? 3000);

export default defineConfig({
  plugins: [react()],
  server: {
    port,
    strictPort: true,
    // An explicit IPv4 loopback: "localhost" may resolve to ::1 only on Node 20, which
    // would break clients that connect to 127.0.0.1; browsers try both for localhost.
    host: '127.0.0.1',
    proxy: Object.fromEntries(API_PATHS.map((path) => [path, { target: apiTarget, changeOrigin: true }])),
  },
  preview: {
    port,
    host: '127.0.0.1',
    strictPort: true,
    proxy: Object.fromEntries(API_PATHS.map((path) => [path, { target: apiTarget, changeOrigin: true }])),
  },
  build: {
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            // React and the router change far less often than the shop's code: a separate
            // chunk stays cached across deploys. Stripe's packages stay in the checkout chunk.
            {
              name: 'react-vendor',
              test: /node_modules[\\/](react|react-dom|scheduler|react-router|react-router-dom|cookie|set-cookie-parser)[\\/]/,
            },
          ],
        },
      },
    },
  },
  test: {
    environment: 'jsdom',
    setupFiles: ['./src/testing/setup.ts'],
    restoreMocks: true,
    unstubGlobals: true,
  },
});
