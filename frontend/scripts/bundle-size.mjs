#!/usr/bin/env node
/**
 * Prints the gzipped size of the JavaScript a shopper downloads before the shop first
 * renders (the entry chunk index.html loads plus every chunk it imports statically, which
 * Vite modulepreloads), and what each lazy page adds on top. Reads the build manifest, so
 * run it after `npm run build`. Exits 1 when the first render is over the budget, or when
 * the first render or the checkout page would load the demo stand-in or Stripe.js eagerly
 * (both must stay behind the dynamic imports that pick one by mode).
 *
 * Sizes are gzip at level 9, as the production server sends the precompressed .gz files;
 * 1 KB = 1024 bytes.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const BUDGET_KB = 80;
const dist = resolve(dirname(fileURLToPath(import.meta.url)), '..', process.argv[2] ?? 'dist');
const manifest = JSON.parse(readFileSync(join(dist, '.vite', 'manifest.json'), 'utf8'));

const kb = (bytes) => (bytes / 1024).toFixed(2).padStart(7);

function gzipSize(file) {
  return gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;
}

/** Manifest keys of `key` and every chunk it imports statically, depth first. */
function staticClosure(key, seen = new Set()) {
  if (seen.has(key)) return seen;
  seen.add(key);
  for (const imported of manifest[key].imports ?? []) staticClosure(imported, seen);
  return seen;
}

function report(title, keys) {
  console.log(title);
  let total = 0;
  for (const key of keys) {
    const { file } = manifest[key];
    const size = gzipSize(file);
    total += size;
    console.log(`  ${kb(size)} KB  ${file}`);
  }
  console.log(`  ${kb(total)} KB  total`);
  return total;
}

const entry = Object.keys(manifest).find((key) => manifest[key].isEntry);
if (!entry) throw new Error('The manifest has no entry chunk: was the build run?');
const firstRender = staticClosure(entry);
const firstTotal = report('JavaScript loaded before the first render (gzip -9):', firstRender);

// Each lazily loaded page: the chunks it needs that the first render has not loaded yet.
for (const key of manifest[entry].dynamicImports ?? []) {
  if (!/Page\.tsx$/.test(key)) continue;
  const extra = [...staticClosure(key)].filter((chunk) => !firstRender.has(chunk));
  report(`\n${manifest[key].name} adds:`, extra);
}

// Code that must only ever arrive through a dynamic import chosen by the server's mode.
const MODE_ONLY = [
  ['the demo stand-in', '/demo/payment_intents'],
  ["Stripe.js's loader", 'js.stripe.com'],
];
const checkout = Object.keys(manifest).find((key) => /CheckoutPage\.tsx$/.test(key));
const eager = new Set([...firstRender, ...(checkout ? staticClosure(checkout) : [])]);
let leaks = 0;
for (const key of eager) {
  const text = readFileSync(join(dist, manifest[key].file), 'utf8');
  for (const [what, marker] of MODE_ONLY) {
    if (text.includes(marker)) {
      console.log(`${manifest[key].file} contains ${what}: it must be loaded lazily`);
      leaks += 1;
    }
  }
}

const over = firstTotal > BUDGET_KB * 1024;
console.log(`\nFirst render: ${(firstTotal / 1024).toFixed(2)} KB of a ${BUDGET_KB} KB budget${over ? ': OVER BUDGET' : ''}`);
process.exitCode = over || leaks > 0 ? 1 : 0;
