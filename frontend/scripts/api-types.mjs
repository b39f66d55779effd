#!/usr/bin/env node
/**
 * Generates src/lib/api-types.ts from the backend's OpenAPI document, so the frontend's API
 * types are the server's contract rather than a hand-kept copy of it.
 *
 *   npm run api-types          regenerate src/lib/api-types.ts (commit the result)
 *   npm run api-types:check    exit 1 when the committed file differs from a fresh one
 *
 * The document comes from scripts/export_openapi.py (the app built in demo mode, no server
 * needed), run with ../.venv/bin/python, or the interpreter given as --python or $PYTHON;
 * --document FILE reads an exported document instead (e.g. a running server's).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import openapiTS, { astToString } from 'openapi-typescript';

const frontend = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repo = resolve(frontend, '..');
const target = join(frontend, 'src', 'lib', 'api-types.ts');
const REGENERATE = 'cd frontend && npm run api-types';

const HEADER = `/**
 * Generated from the backend's OpenAPI document (GET /api/openapi.json) by scripts/api-types.mjs.
 * Do not edit: change the backend's models, then run \`${REGENERATE}\`.
 */

`;

const { values: flags } = parseArgs({
  options: {
    check: { type: 'boolean', default: false },
    document: { type: 'string' },
    python: { type: 'string', default: process.env.PYTHON ?? join(repo, '.venv', 'bin', 'python') },
  },
});

/** A failure worth one line: the exporter has already printed its own traceback. */
class Failure extends Error {}

/** Writes the OpenAPI document into `scratch` with the backend's exporter; returns its path. */
function exportDocument(scratch) {
  const file = join(scratch, 'openapi.json');
  try {
    execFileSync(flags.python, [join(repo, 'scripts', 'export_openapi.py'), file], { stdio: 'inherit' });
  } catch (error) {
    if (error.code === 'ENOENT') throw new Failure(`no Python at ${flags.python}: run ./test.sh once, or pass --python`);
    throw new Failure('exporting the OpenAPI document failed (see above)');
  }
  return file;
}

async function generate() {
  const scratch = mkdtempSync(join(tmpdir(), 'bookstore-openapi-'));
  try {
    const document = flags.document ? resolve(flags.document) : exportDocument(scratch);
    // defaultNonNullable off: a field with a default (cartId, an error's details) may be
    // left out of a body, so it is optional in TypeScript, as in the JSON Schema.
    const ast = await openapiTS(pathToFileURL(document), { defaultNonNullable: false });
    return HEADER + astToString(ast);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

let fresh;
try {
  fresh = await generate();
} catch (error) {
  if (!(error instanceof Failure)) throw error;
  console.error(`api-types: ${error.message}`);
  process.exit(1);
}
const shown = relative(process.cwd(), target) || target;
if (flags.check) {
  let committed = null;
  try {
    committed = readFileSync(target, 'utf8');
  } catch {
    // Missing counts as out of date.
  }
  if (committed !== fresh) {
    console.error(
      `${shown} is out of date: the backend's OpenAPI document has changed.\n` +
        `Run \`${REGENERATE}\`, fix any type errors it reveals, and commit the file.`,
    );
    process.exit(1);
  }
  console.log(`${shown} matches the backend's OpenAPI document.`);
} else {
  writeFileSync(target, fresh);
  console.log(`Wrote ${shown} from the backend's OpenAPI document.`);
}
