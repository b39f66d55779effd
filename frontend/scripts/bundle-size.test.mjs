import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { BUDGET_BYTES, measure } from './bundle-size.mjs';

const made = [];

/** A built dist whose entry imports `vendor.js` statically and a page lazily. */
function fakeBuild(files) {
  const dist = mkdtempSync(join(tmpdir(), 'bundle-size-'));
  made.push(dist);
  mkdirSync(join(dist, '.vite'));
  mkdirSync(join(dist, 'assets'));
  for (const [name, data] of Object.entries(files)) writeFileSync(join(dist, 'assets', name), data);
  const manifest = {
    'index.html': { file: 'assets/index.js', isEntry: true, imports: ['_vendor.js'], dynamicImports: ['src/ShopPage.tsx'] },
    '_vendor.js': { file: 'assets/vendor.js' },
    'src/ShopPage.tsx': { file: 'assets/page.js', name: 'ShopPage', imports: ['_vendor.js'] },
  };
  writeFileSync(join(dist, '.vite', 'manifest.json'), JSON.stringify(manifest));
  return dist;
}

/** Text that compresses like minified JavaScript, the same for every run. */
function scriptLike(length) {
  const words = ['const', 'return', 'function', 'useState', 'props', '=>', '{', '}', '(', ')', 'a', 'b', 'c'];
  let text = '';
  for (let block = 0; text.length < length; block += 1) {
    for (const byte of createHash('sha256').update(String(block)).digest()) {
      text += words[byte % words.length] + (byte % 3 === 0 ? ';' : ' ');
    }
  }
  return Buffer.from(text.slice(0, length));
}

/** `length` bytes that do not compress, the same for every run. */
function noise(length) {
  const blocks = [];
  for (let block = 0; blocks.length * 32 < length; block += 1) {
    blocks.push(createHash('sha256').update(String(block)).digest());
  }
  return Buffer.concat(blocks).subarray(0, length);
}

const gzipped = (data, level) => gzipSync(data, { level }).length;

afterEach(() => {
  for (const dist of made.splice(0)) rmSync(dist, { recursive: true, force: true });
});

describe('bundle size', () => {
  it('counts each first-render file gzipped at level 6, in bytes', () => {
    const index = scriptLike(40_000);
    const vendor = scriptLike(90_000);
    // The data must tell the levels apart, or the test proves nothing.
    expect(gzipped(vendor, 6)).not.toBe(gzipped(vendor, 9));

    const { firstRender, pages } = measure(fakeBuild({ 'index.js': index, 'vendor.js': vendor, 'page.js': 'x' }));

    expect(firstRender.files).toEqual([
      { file: 'assets/index.js', bytes: gzipped(index, 6) },
      { file: 'assets/vendor.js', bytes: gzipped(vendor, 6) },
    ]);
    expect(firstRender.total).toBe(gzipped(index, 6) + gzipped(vendor, 6));
    const page = gzipped(Buffer.from('x'), 6);
    expect(pages).toEqual([{ name: 'ShopPage', files: [{ file: 'assets/page.js', bytes: page }], total: page }]);
  });

  it('holds the first render to 80,000 bytes, not 80 KB of 1,024', () => {
    expect(BUDGET_BYTES).toBe(80_000);
    const within = measure(fakeBuild({ 'index.js': noise(79_900), 'vendor.js': '', 'page.js': '' }));
    expect(within.firstRender.total).toBeLessThanOrEqual(80_000);
    expect(within.overBudget).toBe(false);

    // Over 80,000 bytes, yet under 80 × 1,024.
    const over = measure(fakeBuild({ 'index.js': noise(80_500), 'vendor.js': '', 'page.js': '' }));
    expect(over.firstRender.total).toBeGreaterThan(80_000);
    expect(over.firstRender.total).toBeLessThan(80 * 1024);
    expect(over.overBudget).toBe(true);
  });

  it('finds the demo stand-in or Stripe.js in an eagerly loaded chunk', () => {
    const { leaks } = measure(
      fakeBuild({ 'index.js': 'fetch("/demo/payment_intents/")', 'vendor.js': '', 'page.js': 'js.stripe.com' }),
    );
    expect(leaks).toEqual([{ file: 'assets/index.js', what: 'the demo stand-in' }]);
  });

  it("finds the owner's dashboard in the shop's first render, and only there", () => {
    const { leaks } = measure(
      fakeBuild({
        'index.js': 'fetch("/API/ADMIN/orders")',
        'vendor.js': 'label:"Use a Recovery Code instead"',
        // A lazy chunk (the dashboard's own) may say anything.
        'page.js': 'fetch("/api/admin/session",{headers:{"X-CSRF-Token":t}});"Sign out everywhere"',
      }),
    );
    expect(leaks).toEqual([
      { file: 'assets/index.js', what: "the owner's dashboard (the dashboard's API)" },
      { file: 'assets/vendor.js', what: "the owner's dashboard (recovery codes)" },
    ]);
  });
});
