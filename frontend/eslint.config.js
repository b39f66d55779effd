import { readdirSync } from 'node:fs';

import js from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import { importX } from 'eslint-plugin-import-x';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * Which features each feature may import. The cart is the base: the catalogue puts books in
 * it, checkout and success pay for it and empty it. It imports no feature; the app composes
 * it with the catalogue (covers, titles, dropping books no longer sold). Checkout and success
 * are imported only by the app's routes, lazily, so Stripe's code stays out of the shop page.
 */
const FEATURE_IMPORTS = {
  // The owner's dashboard: its own chunk, sharing nothing with the shop's features.
  admin: [],
  cart: [],
  catalog: ['cart'],
  checkout: ['cart'],
  success: ['cart'],
  'order-lookup': [],
};

// Every feature folder must be listed above, or its imports would go unchecked.
const unlisted = readdirSync(new URL('./src/features', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && !(entry.name in FEATURE_IMPORTS))
  .map((entry) => entry.name);
if (unlisted.length) {
  throw new Error(`eslint.config.js: add features/${unlisted.join(', features/')} to FEATURE_IMPORTS`);
}

const SHARED = ['./src/lib', './src/components', './src/config', './src/testing'];

/**
 * The demo's stand-in for Stripe.js stands in for a library, so it sits beside lib, outside
 * features: it imports only lib, and only these features load it (lazily, by mode).
 */
const STRIPE_DEMO = './src/stripe-demo';
const STRIPE_DEMO_IMPORTERS = ['checkout'];

/** One direction for imports: lib <- components <- config <- features <- app. */
const BOUNDARIES = [
  {
    target: './src/lib',
    from: ['./src/components', './src/config', './src/testing', './src/features', './src/app', STRIPE_DEMO],
    message: 'src/lib is the bottom layer: it imports nothing else of the app.',
  },
  {
    target: STRIPE_DEMO,
    from: ['./src/components', './src/config', './src/testing', './src/features', './src/app'],
    message: 'src/stripe-demo stands in for Stripe.js: like a library, it imports only src/lib.',
  },
  {
    target: [
      ...SHARED.filter((path) => path !== './src/lib'),
      './src/app',
      ...Object.keys(FEATURE_IMPORTS)
        .filter((feature) => !STRIPE_DEMO_IMPORTERS.includes(feature))
        .map((feature) => `./src/features/${feature}`),
    ],
    from: STRIPE_DEMO,
    message: `Only ${STRIPE_DEMO_IMPORTERS.map((feature) => `features/${feature}`).join(', ')} may load src/stripe-demo (STRIPE_DEMO_IMPORTERS in eslint.config.js).`,
  },
  {
    target: SHARED,
    from: ['./src/features', './src/app'],
    message: 'Shared code must not depend on a feature or the app: take what it needs as props.',
  },
  {
    target: './src/features',
    from: './src/app',
    message: 'Features must not import the app; the app composes them.',
  },
  ...Object.entries(FEATURE_IMPORTS).map(([feature, allowed]) => ({
    target: `./src/features/${feature}`,
    from: './src/features',
    except: [`./${feature}`, ...allowed.map((other) => `./${other}`)],
    message: `features/${feature} may import ${
      allowed.length ? allowed.map((other) => `features/${other}`).join(', ') : 'no other feature'
    } (FEATURE_IMPORTS in eslint.config.js); compose features in src/app instead.`,
  })),
];

export default tseslint.config(
  { ignores: ['dist', 'node_modules', 'coverage'] },
  {
    files: ['**/*.{ts,tsx}'],
    extends: [js.configs.recommended, ...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      ecmaVersion: 2022,
      globals: globals.browser,
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: { 'react-hooks': reactHooks, 'import-x': importX },
    settings: {
      // Without these, import-x reads only .js modules and no-cycle finds no TypeScript cycle.
      'import-x/extensions': ['.ts', '.tsx', '.js', '.mjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
      // Resolves imports as tsc does (tsconfig paths, .ts/.tsx, package exports and types).
      'import-x/resolver-next': [
        createTypeScriptImportResolver({ alwaysTryTypes: true, project: `${import.meta.dirname}/tsconfig.app.json` }),
      ],
    },
    rules: {
      ...reactHooks.configs.flat.recommended.rules,
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['warn', 'error'] }],
      // The two rules below skip imports they cannot resolve; this makes sure there are none.
      'import-x/no-unresolved': 'error',
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  {
    // Shipped code only: a test may mount whatever its page really runs inside.
    files: ['src/**/*.{ts,tsx}'],
    ignores: ['src/**/*.test.{ts,tsx}'],
    rules: {
      'import-x/no-restricted-paths': ['error', { basePath: import.meta.dirname, zones: BOUNDARIES }],
    },
  },
  {
    // The stand-in is a chunk of its own, fetched only in demo mode: a static import would put it
    // in the checkout page's JavaScript (and Stripe mode's). Dynamic import() is not matched here.
    files: STRIPE_DEMO_IMPORTERS.map((feature) => `src/features/${feature}/**/*.{ts,tsx}`),
    ignores: ['src/**/*.test.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/stripe-demo', '**/stripe-demo/**'],
              allowTypeImports: true,
              message: "Load the stand-in with import('…/stripe-demo/demoStripe'), so it stays a lazy chunk.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ['eslint.config.js', 'scripts/**/*.mjs'],
    extends: [js.configs.recommended],
    languageOptions: { globals: globals.node },
  },
);
