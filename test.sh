#!/usr/bin/env bash
# Set up (first run only) and run every check: lint and types at both ends, backend tests,
# frontend component tests, and end-to-end purchases in Chromium against the real servers.
set -euo pipefail
source "$(dirname "$0")/scripts/setup.sh"
cd "$ROOT"

ensure_python_env "$ROOT/backend/requirements-dev.txt"
ensure_frontend_deps

CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
# Debian's packages the tests run for real: Chromium for the browser tests, and redis-server
# for the rate limit shared by several servers (unless TEST_REDIS_URL names a Redis to use).
missing=()
[ -x "$CHROMIUM" ] || missing+=(chromium)
if [ -z "${TEST_REDIS_URL:-}" ] && [ ! -x /usr/bin/redis-server ]; then missing+=(redis-server); fi
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "Installing Debian's ${missing[*]} for the tests"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null ||
      die "apt-get install ${missing[*]} failed"
  else
    die "the tests need ${missing[*]}: sudo apt-get install -y ${missing[*]} (or set CHROMIUM_PATH / TEST_REDIS_URL)"
  fi
fi
export CHROMIUM_PATH="$CHROMIUM"

say "ruff (lint and format) over the backend, tests, scripts and benchmark"
"$VENV/bin/ruff" check backend tests scripts bench
"$VENV/bin/ruff" format --check backend tests scripts bench
say "mypy --strict over the backend"
"$VENV/bin/mypy"
say "lint-imports: the backend's areas import one way (the layers in pyproject.toml)"
"$VENV/bin/lint-imports"

say "eslint and TypeScript over the frontend"
(cd frontend && npm run --silent lint && npm run --silent typecheck)

say "One contract: the frontend's API types match the backend's OpenAPI document"
(cd frontend && npm run --silent api-types:check -- --python "$VENV/bin/python")

say "Vitest: frontend component tests"
(cd frontend && npm run --silent test)

say "Secret scan: the repository and the built frontend"
"$VENV/bin/python" scripts/secret_scan.py --build-frontend

say "Bundle budget: the JavaScript loaded before the shop renders (at most 80,000 bytes, each file gzipped at level 6)"
(cd frontend && npm run --silent size)

# With TEST_DATABASE_URL (a PostgreSQL server; .ci/run installs Debian's postgresql and sets
# one up), the backend suite runs on PostgreSQL first; the run below is always SQLite's, and
# its last line counts every test.
if [ -n "${TEST_DATABASE_URL:-}" ]; then
  say "pytest: the backend suite on PostgreSQL (TEST_DATABASE_URL)"
  "$VENV/bin/pytest" tests/backend
else
  say "TEST_DATABASE_URL is not set: the backend suite runs on SQLite only (see README)"
fi

say "pytest: backend unit and API tests on SQLite, then end-to-end purchases in Chromium"
env -u TEST_DATABASE_URL "$VENV/bin/pytest" tests "$@"
