#!/usr/bin/env node
/**
 * Prints the size of the JavaScript a shopper downloads before the shop first renders (the
 * entry chunk index.html loads plus every chunk it imports statically, which Vite
 * modulepreloads), and what each lazy page adds on top. Reads the build manifest, so run it
 * after `npm run build`. Exits 1 when the first render is over the budget, when the first
 * render or the checkout page would load the demo stand-in or Stripe.js eagerly (both must
 * stay behind the dynamic imports that pick one by mode), or when the owner's dashboard has
 * leaked into the shop's first render (it is a lazy chunk of its own, loaded only at /admin).
 *
 * Sizes are in bytes, each file gzipped on its own at level 6 (zlib's default, what a server
 * compressing on the fly sends), as the budget is stated.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';

export const BUDGET_BYTES = 80_000;
export const GZIP_LEVEL = 6;

// Code that must only ever arrive through a dynamic import chosen by the server's mode.
const MODE_ONLY = [
  ['the demo stand-in', '/demo/payment_intents'],
  ["Stripe.js's loader", 'js.stripe.com'],
];

// The owner's dashboard: none of it belongs in what every shopper downloads first. Matched
// without regard to case; each names something only the dashboard's code says.
const ADMIN_ONLY = [
  ["the dashboard's API", '/api/admin'],
  ['the CSRF header', 'X-CSRF-Token'],
  ['sign out everywhere', 'Sign out everywhere'],
  ['recovery codes', 'recovery code'],
];

/** Bytes of `data` gzipped as the budget counts them. */
export function gzipBytes(data) {
  return gzipSync(data, { level: GZIP_LEVEL }).length;
}

/**
 * Measures the build in `dist`: the first render's chunks and total, what each lazy page
 * adds, and the eager chunks holding code that must stay lazy.
 */
export function measure(dist) {
  const manifest = JSON.parse(readFileSync(join(dist, '.vite', 'manifest.json'), 'utf8'));
  const sized = (keys) => {
    const files = [...keys].map((key) => {
      const { file } = manifest[key];
      return { file, bytes: gzipBytes(readFileSync(join(dist, file))) };
    });
    return { files, total: files.reduce((sum, { bytes }) => sum + bytes, 0) };
  };
  /** Manifest keys of `key` and every chunk it imports statically, depth first. */
  const staticClosure = (key, seen = new Set()) => {
    if (seen.has(key)) return seen;
    seen.add(key);
    for (const imported of manifest[key].imports ?? []) staticClosure(imported, seen);
    return seen;
  };

  const entry = Object.keys(manifest).find((key) => manifest[key].isEntry);
  if (!entry) throw new Error('The manifest has no entry chunk: was the build run?');
  const firstKeys = staticClosure(entry);

  // Each lazily loaded page (and the dashboard): the chunks it needs that the first render has
  // not loaded yet.
  const pages = (manifest[entry].dynamicImports ?? [])
    .filter((key) => /(Page|AdminApp)\.tsx$/.test(key))
    .map((key) => ({
      name: manifest[key].name,
      ...sized([...staticClosure(key)].filter((chunk) => !firstKeys.has(chunk))),
    }));

  const checkout = Object.keys(manifest).find((key) => /CheckoutPage\.tsx$/.test(key));
  const eager = new Set([...firstKeys, ...(checkout ? staticClosure(checkout) : [])]);
  const leaks = [];
  for (const key of eager) {
    const text = readFileSync(join(dist, manifest[key].file), 'utf8');
    for (const [what, marker] of MODE_ONLY) {
      if (text.includes(marker)) leaks.push({ file: manifest[key].file, what });
    }
    if (!firstKeys.has(key)) continue;
    const lower = text.toLowerCase();
    for (const [what, marker] of ADMIN_ONLY) {
      if (lower.includes(marker.toLowerCase())) leaks.push({ file: manifest[key].file, what: `the owner's dashboard (${what})` });
    }
  }

  const firstRender = sized(firstKeys);
  return { firstRender, pages, leaks, overBudget: firstRender.total > BUDGET_BYTES };
}

const bytes = (count) => count.toLocaleString('en-US');

function print({ firstRender, pages, leaks, overBudget }) {
  const list = (title, { files, total }) => {
    console.log(title);
    for (const { file, bytes: size } of files) console.log(`  ${bytes(size).padStart(7)}  ${file}`);
    console.log(`  ${bytes(total).padStart(7)}  total`);
  };
  list(`JavaScript loaded before the first render (bytes, gzip -${GZIP_LEVEL}):`, firstRender);
  for (const page of pages) list(`\n${page.name} adds:`, page);
  for (const { file, what } of leaks) console.log(`${file} contains ${what}: it must be loaded lazily`);
  console.log(
    `\nFirst render: ${bytes(firstRender.total)} bytes of a ${bytes(BUDGET_BYTES)}-byte budget${overBudget ? ': OVER BUDGET' : ''}`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const dist = resolve(dirname(fileURLToPath(import.meta.url)), '..', process.argv[2] ?? 'dist');
  const result = measure(dist);
  print(result);
  process.exitCode = result.overBudget || result.leaks.length > 0 ? 1 : 0;
}
