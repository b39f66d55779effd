/// <reference types="vitest/config" />
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

// The SPA always calls these paths relative to its own origin; in development Vite
// forwards them to Flask, in production Flask serves the built files itself.
const API_PATHS = ['/api', '/config', '/create-payment-intent', '/webhook', '/demo'];

const apiTarget = process.env.BOOKSTORE_API_URL ?? 'http://127.0.0.1:4242';
const port = Number(process.env.FRONTEND_PORT ?? 3000);

// Text files worth compressing, and the size below which compression does not pay.
const COMPRESSIBLE = /\.(html|js|css|svg|json|txt)$/;
const MIN_COMPRESS_BYTES = 1024;

/** Writes .br and .gz twins of the built text files, which the production server sends
 * instead of the file to browsers that accept them (backend/bookstore/web/spa.py): compressed
 * once here at the highest levels, rather than on every request. */
function precompress(): Plugin {
  let outDir = 'dist';
  return {
    name: 'bookstore-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    closeBundle() {
      for (const name of readdirSync(outDir, { recursive: true, encoding: 'utf8' })) {
        if (!COMPRESSIBLE.test(name) || name.startsWith('.vite')) continue;
        const file = join(outDir, name);
        const data = readFileSync(file);
        if (data.length < MIN_COMPRESS_BYTES) continue;
        const twins: [string, Buffer][] = [
          ['.gz', gzipSync(data, { level: 9 })],
          ['.br', brotliCompressSync(data, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11 } })],
        ];
        for (const [suffix, compressed] of twins) {
          // Keep a twin only where it saves a tenth or more of the bytes.
          if (compressed.length <= data.length * 0.9) writeFileSync(file + suffix, compressed);
        }
      }
    },
  };
}

/** Fails the build on anything the production Content-Security-Policy would block
 * (script-src 'self' https://js.stripe.com, no 'unsafe-inline', no 'unsafe-eval'): an inline
 * <script> or event-handler attribute in the HTML, or eval / new Function in the JavaScript. */
// eval(...) or (new) Function(...) not preceded by a name character or a dot; minifiers drop the `new`.
const EVAL = /(?<![\w$.])(?:eval|Function)\(/;

function cspGuard(): Plugin {
  return {
    name: 'bookstore-csp-guard',
    apply: 'build',
    enforce: 'post',
    generateBundle(_options, bundle) {
      const problems: string[] = [];
      for (const output of Object.values(bundle)) {
        if (output.type === 'asset' && output.fileName.endsWith('.html')) {
          const html = String(output.source);
          for (const tag of html.match(/<script\b[^>]*>/gi) ?? []) {
            if (!/\ssrc=/i.test(tag)) problems.push(`${output.fileName}: inline script ${tag}`);
          }
          if (/<[^>]+\son[a-z]+\s*=/i.test(html)) problems.push(`${output.fileName}: inline event handler`);
        } else if (output.type === 'chunk' && EVAL.test(output.code)) {
          problems.push(`${output.fileName}: eval or new Function`);
        }
      }
      if (problems.length > 0) this.error(`Blocked by the Content-Security-Policy:\n${problems.join('\n')}`);
    },
  };
}

export default defineConfig({
  plugins: [react(), cspGuard(), precompress()],
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
    // dist/.vite/manifest.json: which chunks each page loads (read by the benchmark).
    manifest: true,
    // Browsers without native modulepreload (Safari before 17, Firefox before 115) still load
    // every module, only without the early hint; the polyfill would add to the JavaScript that
    // runs before the first render, which is budgeted.
    modulePreload: { polyfill: false },
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            // React and the router change far less often than the shop's code: a separate
            // chunk stays cached across deploys. Stripe's packages stay in the checkout chunk.
            {
              name: 'react-vendor',
              test: /node_modules[\\/](react|react-dom|scheduler|wouter|regexparam|use-sync-external-store)[\\/]/,
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
